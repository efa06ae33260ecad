"""The Qt user interface of nnviz: widgets, plots and the main window."""
