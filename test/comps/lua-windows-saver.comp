Composition {
	CurrentTime = 1,
	RenderRange = { 1, 10 },
	GlobalRange = { 1, 20 },
	CurrentID = 4,
	Version = "Fusion Studio 19.1.4 build 6",
	Tools = ordered() {
		Background1 = Background {
			Inputs = {
				Width = Input { Value = 64, },
				Height = Input { Value = 36, },
			},
			ViewInfo = OperatorInfo { Pos = { 110, 50 } },
		},
		Beauty = Saver {
			Inputs = {
				Clip = Input {
					Value = Clip {
						Filename = "C:\\renders\\beauty.0000.exr",
						FormatID = "OpenEXRFormat",
						Length = 0,
						Saving = true,
						TrimIn = 0,
					},
				},
				Input = Input {
					SourceOp = "Background1",
					Source = "Output",
				},
			},
			ViewInfo = OperatorInfo { Pos = { 275, 50 } },
		},
		Matte = Saver {
			PassThrough = true,
			Inputs = {
				Clip = Input {
					Value = Clip {
						Filename = "Comp:render/matte.0000.png",
						FormatID = "PNGFormat",
					},
				},
			},
			ViewInfo = OperatorInfo { Pos = { 275, 85 } },
		},
	},
}
