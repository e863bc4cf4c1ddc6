"""EU micro-credentials: the specification model, its lint, and rendering to Open Badges 3.0."""
