"""From prepared frames to suggestions: prepare, score pairs, top-k, reasons, allocation."""
