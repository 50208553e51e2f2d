-- A hand-written comp for the Fusion Render Node stand-in test (test/support/render-node-standin.test.ts).
Composition {
	CurrentTime = 1,
	RenderRange = { 1, 5 },
	GlobalRange = { 0, 10 },
	Version = "Fusion Studio 19.0 build 52 (synthetic)",
	Tools = ordered() {
		Main = Saver {
			Inputs = { Clip = Input { Value = Clip { Filename = "Comp:/render/shot.0000.png", FormatID = "PNGFormat", }, }, },
		},
		Movie = Saver {
			Inputs = { Clip = Input { Value = Clip { Filename = "Comp:/render/movie.mov", FormatID = "QuickTimeMovies", }, }, },
		},
		Off = Saver {
			PassThrough = true,
			Inputs = { Clip = Input { Value = Clip { Filename = "Comp:/render/off.0000.png", }, }, },
		},
		NoName = Saver {
			Inputs = { OutputFormat = Input { Value = FuID { "OpenEXRFormat" }, }, },
		},
		Mapped = Saver {
			Inputs = { Clip = Input { Value = Clip { Filename = "Temp:/standin/mapped.0000.png", }, }, },
		},
		Grouped = GroupOperator {
			Tools = ordered() {
				Nested = Saver {
					Inputs = { Clip = Input { Value = Clip { Filename = "Comp:/render/nested/n_0.tif", }, }, },
				},
			},
		},
	},
}
