"""The desktop app: everything importing PySide6 or pyqtgraph lives here, and nothing else does."""
