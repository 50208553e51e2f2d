Composition {
	CurrentTime = 1,
	RenderRange = { 1, 5 },
	GlobalRange = { 1, 5 },
	Version = "Fusion Studio 19.1.4 build 6",
	Tools = ordered() {
		Background1 = Background {
			ViewInfo = OperatorInfo { Pos = { 110, 50 } },
		},
		OldOutput = Saver {
			PassThrough = true,
			Inputs = {
				Clip = Input {
					Value = Clip {
						Filename = "Comp:render/old.0000.png",
						FormatID = "PNGFormat",
					},
				},
			},
			ViewInfo = OperatorInfo { Pos = { 275, 50 } },
		},
	},
}
