"""Screenshots of the chat UI for the docs: docs/screenshots/chat.png and docs/screenshots/cases.png.

Starts the real app on a free port over a fresh index in a temporary directory (the development
corpus, ../shared/corpus/cases, when present; else the bundled sample case), asks a question,
and photographs the chat with its sources and the cases tab with its charts, in headless Chromium.

    .venv/bin/python bench/screenshots.py [--question "..."] [--out docs/screenshots]

Needs /usr/bin/chromium (apt-get install -y chromium) and the playwright Python package; nothing
is downloaded.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for key, value in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
                   "ANONYMIZED_TELEMETRY": "False"}.items():
    os.environ.setdefault(key, value)

CHROMIUM = "/usr/bin/chromium"
CORPUS_QUESTION = "What did forces change about checks on detainees in custody?"
SAMPLE_QUESTION = "What changed in the special scheme marker policy?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--question", help="The question to ask in the chat screenshot.")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="Output directory.")
    parser.add_argument("--corpus", default=os.environ.get("IOPC_CORPUS_DIR") or str(ROOT.parent / "shared" / "corpus"))
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install -y chromium)", file=sys.stderr)
        return 1

    import app
    from assistant import Assistant
    from assistant.presentation import report_lines
    from playwright.sync_api import sync_playwright

    cases_dir = Path(args.corpus) / "cases"
    with tempfile.TemporaryDirectory(prefix="iopc-screens-") as tmp:
        assistant = Assistant(data_dir=Path(tmp) / "index")
        sources = [str(cases_dir)] if cases_dir.is_dir() else [str(app.SAMPLE_CASE)]
        report = assistant.ingest(sources)
        print("\n".join(report_lines(report)))
        question = args.question or (CORPUS_QUESTION if cases_dir.is_dir() else SAMPLE_QUESTION)
        demo = app.build(assistant)
        port = free_port()
        demo.launch(prevent_thread_lock=True, server_port=port, server_name="127.0.0.1")
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run"])
                page = browser.new_page(viewport={"width": 1440, "height": 1100})
                page.set_default_timeout(120_000)
                page.goto(f"http://127.0.0.1:{port}/")
                box = page.locator("#question textarea")
                box.fill(question)
                box.press("Enter")
                page.wait_for_selector('#sources details.turn[data-turn="1"]')
                marker = page.locator('#chat a.cite-link[href="#cite-1-1"]')
                if marker.count():
                    marker.click()  # show the flash on card [1]
                page.wait_for_timeout(400)
                page.screenshot(path=str(out / "chat.png"))
                page.get_by_role("tab", name="Cases", exact=True).click()
                page.locator("#chart-status canvas, #chart-status svg").first.wait_for()
                page.wait_for_timeout(1500)
                page.screenshot(path=str(out / "cases.png"), full_page=True)
                browser.close()
        finally:
            demo.close()
    print(f"wrote {out / 'chat.png'} and {out / 'cases.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
