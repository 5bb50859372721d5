"""The real app plus one minimal route, so the load benchmark compares pages against a floor under the same server."""
from core import create_app

app = create_app()


@app.route("/_bench/minimal")
def minimal():
    return "ok"
