--[==[ A hand-written comp that exercises the .comp reader (test/core/comp-file.test.ts).
      Not written by Fusion: it packs syntax Fusion writes, and some it could, into one file. ]==]
-- a line comment before the composition
Composition {
	CurrentTime = -0.5,
	RenderRange = { -10, 20, },
	GlobalRange = { -20, 40 },
	CurrentID = 0x1F,
	Version = 'Fusion Studio 17.4.1 build 6 (synthetic)',
	OutputClips = { "\\\\server\\share\\render\\shot.0001.dpx", "", },
	Nothing = nil,
	Tools = ordered() {
		UNCSaver = Saver {
			Inputs = {
				Clip = Input {
					Value = Clip {
						Filename = "\\\\server\\share\\render\\shot.0001.dpx", -- a UNC path (none among the real fixtures)
						FormatID = "DPXFormat",
						GlobalStart = -2000000000,
					},
				},
			},
			ViewInfo = OperatorInfo { Pos = { 110; 50; } },
		},
		Disabled = Saver {
			PassThrough = true,
			Inputs = { Clip = Input { Value = Clip { Filename = 'Comp:/render/off.0000.exr', }, }, },
		},
		NoClip = Saver {
			Inputs = { OutputFormat = Input { Value = FuID { "OpenEXRFormat" }, }, },
		},
		Movie = Saver {
			PassThrough = false,
			Inputs = { Clip = Input { Value = Clip { Filename = "Comp:\\render\\movie.mov" } } },
		},
		Group1 = GroupOperator {
			Inputs = ordered() { Input1 = InstanceInput { SourceOp = "Inner", Source = "Input", }, },
			Tools = ordered() {
				Inner = Saver {
					Inputs = { Clip = Input { Value = Clip { Filename = "/mnt/hq/render/inner.0000.png" } } },
				},
				Macro1 = MacroOperator {
					Tools = ordered() {
						Deep = Saver {
							Inputs = { Clip = Input { Value = Clip { ["Filename"] = "/mnt/hq/\195\188n\195\175 c\195\182d\195\169/deep.0000.tif" } } },
						},
						Loader2 = Loader { Clips = { } },
					},
				},
			},
		},
		["Odd Name"] = Saver {
			Inputs = { Clip = Input { Value = Clip { Filename = [[/mnt/hq/render/odd.0000.jpg]] } } },
		},
		Loader1 = Loader {
			Clips = { Clip { ID = "Clip1", Filename = "Comp:/in/plate.0000.exr", }, },
		},
		Inputs = Underlay { ViewInfo = UnderlayInfo { Pos = { 0, 0 } } },
		Fuse1 = Fuse.MyFuse {
			Inputs = {
				Text = Input { Value = "tab\there \"quoted\" \'single\' \65\066\0671 \x41\z
				      joined \
newline \\ end", },
				Long = Input { Value = [==[
has ]] and ]=] inside, and "quotes" and -- not a comment
]==], },
				Latin = Input { Value = "caf\233 \249\221\186", },
				Script = Input { Value = "if x then print(\"}\") end -- { [[ ]] }", },
			},
		},
		Spline = BezierSpline {
			KeyFrames = {
				[0] = { 1e-05, RH = { .5, -0.5 }, Flags = { Linear = true } },
				[-1] = { 1E+3, LH = { 2., -.25e1 } },
				[2.5] = { 0x10, 0xA.8p1, - 3 },
			},
		},
		Align = Dimension.GlobalAlign { },
	},
	Prefs = {
		Comp = {
			Unsorted = {
				RenderSettings = {
					Configs = {
						Final = { StepRender = true, StepSize = 2, },
						Preview = { StepRender = true, StepSize = 7, },
					},
				},
			},
		},
	},
}
