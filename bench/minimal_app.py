"""The floor the load benchmark measures pages against: a bare Flask app with one route, nothing of ours."""
from flask import Flask

app = Flask(__name__)


@app.route("/_bench/minimal")
def minimal():
    return "ok"
