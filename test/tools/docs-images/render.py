"""Lays out captured UI Manager windows with real Qt widgets (PySide6, offscreen) and writes captioned PNGs.

usage: QT_QPA_PLATFORM=offscreen python3 render.py CAPTURED.json OUT_DIR [--compare DIR]

CAPTURED.json is what test/tools/docs-images/capture.ts records from the Fusion stand-in: per picture the window's
properties (Geometry, Spacing, MinimumSize, WindowTitle) and its element tree. Fusion's UI Manager is built on Qt,
and its elements (fusion.md section 3: VGroup, HGroup, Stack, VGap, HGap, Button, CheckBox, ComboBox, DoubleSpinBox,
Label, LineEdit, Slider, SpinBox, TabBar, TextEdit, Tree) map onto the Qt widgets below. How Fusion turns Weight into
Qt layout stretch is not documented: here groups are Qt box layouts, Weight is the stretch factor (absent = 1), and
a widget of Weight 0 does not grow along its group's direction (it keeps its natural size). Fusion's margins, palette and font are not
known either: Qt's "Fusion" style with a dark palette and DejaVu Sans stand in for them. So the pictures are layout
previews, and each says so in its caption.

Prints one JSON document: per picture the sizes Qt computes (requested = Geometry, natural = sizeHint, minimum =
minimumSizeHint, opened = the size the window has once shown), and with --compare the pictures whose pixels differ
from DIR's.
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_ENABLE_HIGHDPI_SCALING"] = "0"
os.environ["QT_SCALE_FACTOR"] = "1"

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter, QPalette  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication, QBoxLayout, QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QSizePolicy, QSlider, QSpacerItem, QSpinBox, QStackedWidget, QTabBar, QTextEdit, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

CAPTION = "Layout preview rendered outside Fusion (Qt offscreen), not a Fusion screenshot"
FONT_FILES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"]
ALIGN = {"AlignLeft": Qt.AlignLeft, "AlignRight": Qt.AlignRight, "AlignHCenter": Qt.AlignHCenter,
         "AlignTop": Qt.AlignTop, "AlignBottom": Qt.AlignBottom, "AlignVCenter": Qt.AlignVCenter,
         "AlignCenter": Qt.AlignCenter, "AlignJustify": Qt.AlignJustify}


def stretch(node):
    """Qt stretch factors are integers: weights such as 0.25 keep their ratio at x100."""
    weight = node.get("weight") if node["type"] in ("HGap", "VGap") else node.get("Weight")
    return int(round(100 * (1 if weight is None else weight)))


def make_group(node, hidden):
    """VGroup/HGroup are box layouts (not widgets): a group whose elements are all hidden takes no room."""
    layout = QVBoxLayout() if node["type"] == "VGroup" else QHBoxLayout()
    layout.setContentsMargins(0, 0, 0, 0)
    hidden = hidden or hidden_by(node)
    for child in node["children"]:
        add_child(layout, child, hidden)
    return layout


def make_widget(node):
    kind = node["type"]
    if kind == "Stack":
        widget = QStackedWidget()
        for child in node["children"]:
            page = QWidget()
            page_layout = QVBoxLayout(page)
            page_layout.setContentsMargins(0, 0, 0, 0)
            add_child(page_layout, child, False)
            widget.addWidget(page)
        widget.setCurrentIndex(node.get("CurrentIndex", 0))
    elif kind == "Label":
        widget = QLabel(node.get("Text", ""))
        widget.setWordWrap(node.get("WordWrap", False) is True)
    elif kind == "LineEdit":
        widget = QLineEdit(node.get("Text", ""))
        widget.setPlaceholderText(node.get("PlaceholderText", ""))
        widget.setReadOnly(node.get("ReadOnly", False))
        widget.setCursorPosition(0)
    elif kind == "TextEdit":
        widget = QTextEdit()
        html = node.get("HTML", "")
        if "<" in html:
            widget.setHtml(html)
        else:
            widget.setPlainText(node.get("PlainText", node.get("Text", "")))
        widget.setPlaceholderText(node.get("PlaceholderText", ""))
        widget.setReadOnly(node.get("ReadOnly", False))
        if node.get("LineWrapMode") == "NoWrap":
            widget.setLineWrapMode(QTextEdit.NoWrap)
    elif kind in ("SpinBox", "DoubleSpinBox", "Slider"):
        widget = {"SpinBox": QSpinBox, "DoubleSpinBox": QDoubleSpinBox}.get(kind, lambda: QSlider(Qt.Horizontal))()
        widget.setRange(node.get("Minimum", 0), node.get("Maximum", 99))
        widget.setValue(node.get("Value", 0))
    elif kind == "CheckBox":
        widget = QCheckBox(node.get("Text", ""))
        widget.setChecked(node.get("Checked", False))
    elif kind == "ComboBox":
        widget = QComboBox()
        widget.addItems(node.get("items", []))
        widget.setCurrentIndex(node.get("CurrentIndex", -1))
    elif kind == "Button":
        widget = QPushButton(node.get("Text", ""))
    elif kind == "Tree":
        widget = make_tree(node)
    elif kind == "TabBar":
        widget = QTabBar()
        widget.setDrawBase(node.get("DrawBase", True))
        widget.setExpanding(node.get("Expanding", True))
    else:
        raise SystemExit(f"render.py: no Qt widget for UI Manager element {kind}")
    if isinstance(node.get("MinimumSize"), list):
        widget.setMinimumSize(*node["MinimumSize"])
    if isinstance(node.get("Font"), dict):
        widget.setFont(make_font(node["Font"]))
    if node.get("StyleSheet"):
        widget.setStyleSheet(node["StyleSheet"])
    if isinstance(node.get("Alignment"), dict) and hasattr(widget, "setAlignment"):
        flags = Qt.AlignmentFlag(0)
        for name, on in node["Alignment"].items():
            if on and name in ALIGN:
                flags |= ALIGN[name]
        widget.setAlignment(flags)
    widget.setEnabled(node.get("Enabled", True) is not False)
    return widget


def make_font(spec):
    """ui:Font{Family, PixelSize, MonoSpaced} (fusion.md section 3); families other than DejaVu are not installed."""
    font = QFont("DejaVu Sans Mono" if spec.get("MonoSpaced") else "DejaVu Sans")
    if isinstance(spec.get("PixelSize"), (int, float)):
        font.setPixelSize(int(spec["PixelSize"]))
    return font


def hidden_by(node):
    """Visible=false, or Hidden=true should the stand-in come to record it."""
    return node.get("Visible", True) is False or node.get("Hidden", False) is True


def make_tree(node):
    tree = QTreeWidget()
    header = node.get("header", [])
    tree.setColumnCount(max(node.get("ColumnCount", 1), len(header), 1))
    if header:
        tree.setHeaderLabels(header)
    for cells in node.get("rows", []):
        tree.addTopLevelItem(QTreeWidgetItem(cells))
    for column, width in (node.get("ColumnWidth") or {}).items():
        tree.setColumnWidth(int(column), width)
    tree.setSortingEnabled(node.get("SortingEnabled", False))
    return tree


def add_child(layout, node, hidden):
    vertical = layout.direction() in (QBoxLayout.TopToBottom, QBoxLayout.BottomToTop)
    if node["type"] in ("HGap", "VGap"):
        size = node.get("size") or 0
        grows = (node.get("weight") or 0) > 0
        policy = QSizePolicy.Expanding if grows else QSizePolicy.Fixed
        spacer = QSpacerItem(0, size, QSizePolicy.Minimum, policy) if vertical else QSpacerItem(size, 0, policy, QSizePolicy.Minimum)
        layout.addItem(spacer)
        layout.setStretch(layout.count() - 1, stretch(node) if grows else 0)
        return
    if node["type"] in ("VGroup", "HGroup"):
        layout.addLayout(make_group(node, hidden), stretch(node))
        return
    widget = make_widget(node)
    factor = stretch(node)
    if factor == 0:  # keeps its natural size along the group's direction
        policy = widget.sizePolicy()
        if vertical:
            policy.setVerticalPolicy(QSizePolicy.Maximum)
        else:
            policy.setHorizontalPolicy(QSizePolicy.Maximum)
        widget.setSizePolicy(policy)
    layout.addWidget(widget, factor)
    if hidden or hidden_by(node):
        widget.setVisible(False)


def make_window(captured):
    props = captured["props"]
    window = QWidget()
    layout = QVBoxLayout(window)
    if isinstance(props.get("Spacing"), (int, float)):
        layout.setSpacing(int(props["Spacing"]))
    for node in captured["layout"]:
        add_child(layout, node, False)
    if isinstance(props.get("MinimumSize"), list):
        window.setMinimumSize(*props["MinimumSize"])
    geometry = props.get("Geometry")
    if isinstance(geometry, list) and len(geometry) == 4:
        window.resize(geometry[2], geometry[3])
    window.setWindowTitle(props.get("WindowTitle", ""))
    return window


def name_of(node):
    """What a person calls an element: its ID, else its text, else the first of its children's names."""
    if node.get("ID"):
        return f'{node["type"]} {node["ID"]}'
    if node.get("Text"):
        return f'{node["type"]} "{node["Text"][:40]}"'
    for child in node["children"]:
        name = name_of(child)
        if name:
            return f'{node["type"]} with {name}'
    return ""


def row_heights(window, captured):
    """Heights of the rows of the window's outer group (or of the window itself): where the height goes."""
    layout, nodes = window.layout(), captured["layout"]
    if len(nodes) == 1 and nodes[0]["type"] == "VGroup":
        layout, nodes = layout.itemAt(0).layout(), nodes[0]["children"]
    rows = []
    for index, node in enumerate(nodes):
        item = layout.itemAt(index)
        rows.append({"element": name_of(node) or node["type"], "height": 0 if item.isEmpty() else item.geometry().height()})
    return rows


def size(qsize):
    return [qsize.width(), qsize.height()]


def captioned(window):
    """The window under a caption strip and a plain title bar (offscreen windows have no decorations)."""
    body = window.grab().toImage().convertToFormat(QImage.Format_RGB32)
    caption_h, title_h = 30, 26
    image = QImage(body.width(), body.height() + caption_h + title_h, QImage.Format_RGB32)
    image.fill(QColor("#1b1b1b"))
    painter = QPainter(image)
    font = QFont("DejaVu Sans")
    font.setPixelSize(13)
    font.setBold(True)
    painter.setFont(font)
    painter.fillRect(0, 0, image.width(), caption_h, QColor("#f2cc60"))
    painter.setPen(QColor("#1b1b1b"))
    painter.drawText(10, 0, image.width() - 20, caption_h, Qt.AlignVCenter | Qt.AlignLeft, CAPTION)
    font.setBold(False)
    painter.setFont(font)
    painter.fillRect(0, caption_h, image.width(), title_h, QColor("#3a3a3a"))
    painter.setPen(QColor("#e6e6e6"))
    painter.drawText(10, caption_h, image.width() - 20, title_h, Qt.AlignVCenter | Qt.AlignLeft, window.windowTitle())
    painter.drawImage(0, caption_h + title_h, body)
    painter.end()
    return image


def setup_app():
    app = QApplication(["render.py"])
    for path in FONT_FILES:
        if QFontDatabase.addApplicationFont(path) < 0:
            raise SystemExit(f"render.py: {path} is missing (Debian: apt-get install fonts-dejavu-core)")
    app.setStyle("Fusion")
    font = QFont("DejaVu Sans")
    font.setPixelSize(12)
    font.setHintingPreference(QFont.PreferNoHinting)
    app.setFont(font)
    app.setCursorFlashTime(0)
    palette = QPalette()
    for role, color in [(QPalette.Window, "#282828"), (QPalette.WindowText, "#d0d0d0"), (QPalette.Base, "#1e1e1e"),
                        (QPalette.AlternateBase, "#2c2c2c"), (QPalette.Text, "#d0d0d0"), (QPalette.Button, "#3a3a3a"),
                        (QPalette.ButtonText, "#e0e0e0"), (QPalette.Highlight, "#4a6fa5"), (QPalette.HighlightedText, "#ffffff"),
                        (QPalette.PlaceholderText, "#808080"), (QPalette.ToolTipBase, "#3a3a3a"), (QPalette.ToolTipText, "#e0e0e0")]:
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.Disabled, QPalette.Text, QColor("#707070"))
    palette.setColor(QPalette.Disabled, QPalette.ButtonText, QColor("#707070"))
    palette.setColor(QPalette.Disabled, QPalette.WindowText, QColor("#707070"))
    app.setPalette(palette)
    return app


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--compare"):
        raise SystemExit("usage: render.py CAPTURED.json OUT_DIR [--compare DIR]")
    with open(argv[1], encoding="utf-8") as f:
        captured_windows = json.load(f)
    out_dir = argv[2]
    compare_dir = argv[4] if len(argv) == 5 else None
    app = setup_app()
    report = {"windows": [], "differ": []}
    for captured in captured_windows:
        window = make_window(captured)
        window.show()
        app.processEvents()
        image = captioned(window)
        name = captured["picture"]
        image.save(os.path.join(out_dir, name), "PNG")
        geometry = captured["props"].get("Geometry") or [0, 0, 0, 0]
        report["windows"].append({"picture": name, "id": captured["id"], "requested": geometry[2:4],
                                  "natural": size(window.sizeHint()), "minimum": size(window.minimumSizeHint()),
                                  "opened": size(window.size()), "rows": row_heights(window, captured)})
        if compare_dir is not None:
            committed = QImage(os.path.join(compare_dir, name)).convertToFormat(QImage.Format_RGB32)
            if committed.isNull() or committed != image:
                report["differ"].append(name)
        window.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv)
