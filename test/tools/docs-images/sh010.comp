Composition {
	CurrentTime = 1001,
	RenderRange = { 1001, 1030 },
	GlobalRange = { 1001, 1050 },
	CurrentID = 3,
	Version = "Fusion Studio 19.1.4 build 6",
	Tools = {
		Plate = Loader {
			ViewInfo = OperatorInfo { Pos = { 110, 50 } },
		},
		Saver1 = Saver {
			Inputs = {
				Clip = Input {
					Value = Clip {
						Filename = "Renders:sh010/sh010_comp_v003.0000.exr",
						FormatID = "OpenEXRFormat",
						Length = 0,
						Saving = true,
						TrimIn = 0,
					},
				},
				Input = Input {
					SourceOp = "Plate",
					Source = "Output",
				},
			},
			ViewInfo = OperatorInfo { Pos = { 275, 50 } },
		},
	},
}
