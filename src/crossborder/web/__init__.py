"""Server-rendered pages (Jinja2). One folder of templates per capability."""
