"""Prepare a help center for a benchmark or fault check, in its own process (the app reads the environment):
migrate, load the demo content, build the index, create users with API tokens and a question with answers.

    python -m bench.prepare TMP USERS      (environment from bench.server.app_env)

Writes TMP/setup.json ({question, answers, article, category}) and TMP/tokens.txt (the users' tokens).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

AUTHORS = 6  # the question's author and five answerers, apart from the users the load uses


def prepare(tmp: Path, users: int) -> dict:
    from flask_migrate import upgrade

    from core import accounts, create_app
    from core.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        from content.demo import load_demo
        load_demo(lambda line: None)
        result = app.test_cli_runner().invoke(args=["search", "reindex"])
        if result.exit_code != 0:
            raise SystemExit(f"search reindex failed: {result.output[-300:]}")
        people = [accounts.create_user(f"bench{i}", f"bench{i}@bench.invalid", "bench-password-123")
                  for i in range(users + AUTHORS)]
        tokens = [accounts.issue_token(person) for person in people]
        db.session.commit()
        client = app.test_client()

        def post(path, token, payload):
            response = client.post(path, json=payload, headers={"Authorization": f"Bearer {token}"})
            if response.status_code != 201:
                raise SystemExit(f"POST {path} answered {response.status_code}: {response.get_data(as_text=True)[:200]}")
            return response.get_json()

        authors, load_users = tokens[users:], tokens[:users]
        question = post("/api/v1/questions", authors[0], {
            "title": "Internet bricht abends immer wieder ab", "category": "internet", "tags": ["internet"],
            "body": "Seit einer Woche bricht die Verbindung jeden Abend gegen 20 Uhr ab. Das Modem blinkt orange."})
        answers = [post(f"/api/v1/questions/{question['id']}/answers", token,
                        {"body": f"Vorschlag {i}: Modem neu starten und das Koaxialkabel pruefen."})["id"]
                   for i, token in enumerate(authors[1:], 1)]
        article = client.get("/api/v1/articles").get_json()["items"][0]
        db.session.remove()
        db.engine.dispose()
    setup = {"question": question["id"], "answers": answers, "article": article["slug"],
             "category": article["category"]}
    (tmp / "tokens.txt").write_text("\n".join(load_users) + "\n")
    (tmp / "setup.json").write_text(json.dumps(setup))
    return setup


if __name__ == "__main__":
    prepare(Path(sys.argv[1]), int(sys.argv[2]))
