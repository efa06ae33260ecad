"""Export: the app's own views rendered offscreen into PNG sequences, GIF, MP4, PNG and SVG stills."""
