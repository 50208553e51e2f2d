Composition {
	CurrentTime = 0,
	RenderRange = { 0, 47 },
	GlobalRange = { 0, 47 },
	Version = "Fusion Studio 19.1.4 build 6",
	Tools = ordered() {
		Background1 = Background {
			ViewInfo = OperatorInfo { Pos = { 110, 50 } },
		},
		Review = Saver {
			Inputs = {
				Clip = Input {
					Value = Clip {
						Filename = "Comp:review/shot010_review.mov",
						FormatID = "QuickTimeMovies",
					},
				},
				Input = Input {
					SourceOp = "Background1",
					Source = "Output",
				},
			},
			ViewInfo = OperatorInfo { Pos = { 275, 50 } },
		},
	},
}
