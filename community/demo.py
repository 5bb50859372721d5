"""Demo forum threads (registered as demo step "Community", order 40). Filled in below."""


def load_demo_threads(echo) -> str:
    return "Community: keine Demo-Daten"
