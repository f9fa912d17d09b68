"""Lighthouse scores (mobile profile) of the home, results and place pages, on the production
set-up (bin/serve-prod: gunicorn, PostgreSQL, Redis) served on 127.0.0.1 only.

    (cd benchmarks/lighthouse && npm ci)      # Lighthouse 12.8.2, pinned in package-lock.json
    .venv/bin/python benchmarks/lighthouse.py

Lighthouse drives Debian's Chromium (CHROME_PATH, /usr/bin/chromium by default) with its default
mobile profile: a mid-range phone, simulated slow 4G and a 4× slower processor. The map tile
server is not configured (the default): the pages call no other host. The reports are written to
benchmarks/results/lighthouse/ and the four scores of each page printed as a table.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from load_test import drop_database, fetch_json, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "benchmarks" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
BIND = "127.0.0.1:8766"
BASE_URL = f"http://{BIND}"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run --disable-quic"
)


def audit(name, url, output):
    report = output / f"{name}.json"
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        check=True,
    )
    result = json.loads(report.read_text())
    scores = {key: round(result["categories"][key]["score"] * 100) for key in CATEGORIES}
    below = [
        f"{audit['id']} ({audit['score']})"
        for audit in result["audits"].values()
        if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") == "binary"
    ]
    metrics = result["audits"]
    return {
        **scores,
        "fcp_s": round(metrics["first-contentful-paint"]["numericValue"] / 1000, 2),
        "lcp_s": round(metrics["largest-contentful-paint"]["numericValue"] / 1000, 2),
        "tbt_ms": round(metrics["total-blocking-time"]["numericValue"]),
        "cls": round(metrics["cumulative-layout-shift"]["numericValue"], 3),
        # What the page made the phone download, compressed as sent (HTML, styles, scripts, map data).
        "weight_kb": round(metrics["total-byte-weight"]["numericValue"] / 1024, 1),
        "failed_binary_audits": below,
    }


def main():
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse n'est pas installé : (cd benchmarks/lighthouse && npm ci)")
    name = f"spro_lighthouse_{os.getpid()}"
    output = ROOT / "benchmarks" / "results" / "lighthouse"
    output.mkdir(parents=True, exist_ok=True)
    server, log = start_server(f"postgres://postgres@127.0.0.1:5432/{name}", page_cache=True, bind=BIND)
    results = {}
    try:
        point = fetch_json("/api/v1/lieux?q=Montbrison", BASE_URL)["results"][0]
        pages = {
            "accueil": "/",
            "resultats": "/recherche/?q=Lyon",
            "lieu": f"/lieux/{point['id']}/",
        }
        for page, path in pages.items():
            results[page] = audit(page, BASE_URL + path, output)
            print(f"{page}: {json.dumps(results[page], ensure_ascii=False)}", flush=True)
    finally:
        stop_server(server)
        log.close()
        drop_database(name)
    (output / "scores.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print()
    print("| page | performance | accessibilité | bonnes pratiques | SEO | FCP | LCP | TBT | CLS | poids |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for page, scores in results.items():
        print(
            f"| {page} | {scores['performance']} | {scores['accessibility']} | {scores['best-practices']} "
            f"| {scores['seo']} | {scores['fcp_s']} s | {scores['lcp_s']} s | {scores['tbt_ms']} ms | {scores['cls']} "
            f"| {scores['weight_kb']} Ko |"
        )


if __name__ == "__main__":
    sys.exit(main())
