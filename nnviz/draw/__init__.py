"""The one drawing path: theme, colour maps, network painter and canvas, plots, ViewSet."""
