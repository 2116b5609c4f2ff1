"""The reviewer's portfolio: one offline index page linking every system's latest evidence.

``evidence/index.html`` lists each system with its tier, the latest evidence per process (by
relative link, so the evidence folder can be zipped and handed over), its review and approval
status, and charts of the portfolio's risk posture drawn as inline SVG (no script at all).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

from workbench import __version__
from workbench.pipeline.archive import write_atomic
from workbench.scheduling.cadence import review_states
from workbench.ui.svg import Canvas, esc
from workbench.workspace import Workspace

INDEX_FILE = "index.html"
RECORD_STATUS = {"submitted": "awaiting approval", "approved": "approved", "rejected": "rejected",
                 "failed": "failed", None: "no record"}
CSS = """
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1b1f24}
main{max-width:1200px;margin:0 auto;padding:24px 32px 48px}
h1{font-size:1.6rem;margin:.2rem 0 .6rem}h2{font-size:1.2rem;margin:1.8rem 0 .5rem;border-bottom:2px solid #d0d7de}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;position:sticky;top:0}td.num{text-align:right}
.s{display:inline-block;padding:0 7px;border-radius:9px;font-size:.8rem;font-weight:600;border:1px solid}
.s-current,.s-approved{color:#1b5e20;border-color:#1b5e20}.s-due,.s-awaiting{color:#7a4a00;border-color:#7a4a00}
.s-overdue,.s-failed,.s-rejected,.s-missing,.s-expired,.s-changed,.s-unresolved{color:#b00020;border-color:#b00020}.s-none{color:#4a5560;border-color:#4a5560}
.charts{display:flex;flex-wrap:wrap;gap:24px}.muted{color:#4a5560}
"""


def _badge(text: str) -> str:
    kind = {"awaiting approval": "awaiting", "no record": "none"}.get(text, text.split()[0])
    return f'<span class="s s-{esc(kind)}">{esc(text)}</span>'


def svg_bars(title: str, labels: list[str], values: list[int], colours: list[str]) -> str:
    """A small horizontal bar chart as inline SVG, its numbers in its title for screen readers."""
    width, row, left = 420, 26, 150
    peak = max(values + [1])
    summary = ", ".join(f"{label}: {value}" for label, value in zip(labels, values))
    canvas = Canvas(width, row * len(labels) + 36, f"{title}: {summary}")
    canvas.text(0, 16, title, size=14, bold=True)
    for i, (label, value, colour) in enumerate(zip(labels, values, colours)):
        y = 28 + i * row
        length = (width - left - 50) * value / peak
        canvas.text(left - 8, y + 15, label, size=13, anchor="end")
        canvas.rect(left, y, length, row - 8, colour)
        canvas.text(left + length + 6, y + 15, value, size=13)
    return canvas.svg()


def portfolio_rows(workspace: Workspace, today: date | None = None) -> list[dict]:
    """One row per (system, process): the facts the index shows."""
    systems = {s.id: s for s in workspace.register.systems()}
    latest: dict[tuple[str, str], dict] = {}
    for record in workspace.register.evidence_list():
        key = (record["system_id"], record["process"])
        if record["status"] != "failed" and key not in latest:
            latest[key] = record
    rows = []
    for state in review_states(workspace, today):
        system = systems[state.system_id]
        record = latest.get((state.system_id, state.process))
        rows.append({"system": system, "process": state.process, "state": state, "record": record,
                     "record_status": RECORD_STATUS.get(state.last_status, state.last_status)})
    return rows


def _documented_information(workspace: Workspace, today: date | None) -> str:
    """The flags of the register of documented information: missing, overdue, changed, expired."""
    from workbench.records.documented_information import flags

    found = flags(workspace, today)
    head = '<section aria-labelledby="documents"><h2 id="documents">Documented information</h2>'
    if not found:
        return head + "<p>Every required item is in the register; no review is overdue.</p></section>"
    rows = "".join(f"<tr><td>{_badge(f.kind)}</td><td>{esc(f.clause)}</td><td><code>{esc(f.key)}</code></td>"
                   f"<td>{esc(f.title)}</td><td>{esc(f.message)}</td></tr>" for f in found)
    return (head + f"<p>{len(found)} flag(s); <code>workbench docs list --flagged</code> lists them.</p>"
            '<table><thead><tr><th scope="col">Flag</th><th scope="col">Clause</th><th scope="col">Item</th>'
            f'<th scope="col">Title</th><th scope="col">Detail</th></tr></thead><tbody>{rows}</tbody></table></section>')


def build_index(workspace: Workspace, today: date | None = None) -> str:
    """Write ``evidence/index.html`` and return its path."""
    from workbench.records.nonconformity import actions

    rows = portfolio_rows(workspace, today)
    open_ncs = Counter(a["system_id"] for a in actions(workspace, today))
    overdue_ncs = Counter(a["system_id"] for a in actions(workspace, today) if a["overdue"])
    criteria = workspace.config.risk_criteria
    bands = criteria.band_names()
    risks = workspace.register.frame("risks")
    latest_runs = {r["record"]["run_id"] for r in rows if r["record"] and r["process"] == "risk-assessment"}
    residual = Counter(risks[risks["run_id"].isin(latest_runs)]["residual_band"]) if len(risks) else Counter()
    states = Counter(r["state"].status for r in rows)
    impacts = workspace.register.frame("impact_assessments")
    latest_impact = {r["record"]["run_id"] for r in rows if r["record"] and r["process"] == "impact-assessment"}
    levels = Counter(impacts[impacts["run_id"].isin(latest_impact)]["level"]) if len(impacts) else Counter()
    charts = [
        svg_bars("Residual risks by band", bands, [residual.get(b, 0) for b in bands],
                 [criteria.band(b).colour for b in bands]),
        svg_bars("AI systems by impact level", ["I", "II", "III", "IV"], [levels.get(k, 0) for k in ("I", "II", "III", "IV")],
                 ["#2e7d32", "#f9a825", "#ef6c00", "#c62828"]),
        svg_bars("Reviews by status", ["current", "due", "overdue"], [states.get(k, 0) for k in ("current", "due", "overdue")],
                 ["#2e7d32", "#f9a825", "#c62828"]),
    ]
    body = []
    for row in rows:
        system, state, record = row["system"], row["state"], row["record"]
        link = (f'<a href="{esc(record["path"])}/evidence.html">{esc(record["run_id"])}</a>'
                if record else '<span class="muted">none</span>')
        body.append(
            f"<tr><td>{esc(system.name)}<br><code>{esc(system.id)}</code></td><td>{esc(system.tier)}</td>"
            f"<td>{esc(row['process'])}</td><td>{link}</td><td>{esc(state.last_effective or '')}</td>"
            f"<td>{esc(state.due_on or 'now')}<br><span class='muted'>{esc(state.reason)}</span></td>"
            f"<td>{_badge(state.status)}</td><td>{_badge(row['record_status'])}</td>"
            f"<td class='num'>{open_ncs.get(system.id, 0)}"
            f"{' (' + str(overdue_ncs[system.id]) + ' overdue)' if overdue_ncs.get(system.id) else ''}</td></tr>")
    organisation = []
    for record in workspace.register.evidence_list(system_id="organisation"):
        if record["status"] != "failed" and record["process"] not in {r[0] for r in organisation}:
            organisation.append((record["process"], f'<a href="{esc(record["path"])}/evidence.html">{esc(record["run_id"])}</a>',
                                 esc(record["effective_date"]), _badge(RECORD_STATUS.get(record["status"], record["status"]))))
    organisation_rows = "".join(f"<tr><td>{esc(p)}</td><td>{link}</td><td>{day}</td><td>{badge}</td></tr>"
                                for p, link, day, badge in organisation) or '<tr><td colspan="4">none yet</td></tr>'
    org_ncs = open_ncs.get("organisation", 0)
    generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AI system portfolio | {esc(workspace.config.organisation.name)}</title><style>{CSS}</style></head>
<body><main>
<header><p class="muted">{esc(workspace.config.organisation.name)} &middot; AI management system</p>
<h1>AI system portfolio</h1>
<p>{len({r['system'].id for r in rows})} AI systems; generated {esc(generated)} by AIMS Workbench {esc(__version__)}.
Every link is relative: zip this folder and the links still work offline.</p></header>
<section aria-labelledby="posture"><h2 id="posture">Risk posture</h2><div class="charts">{''.join(charts)}</div></section>
{_documented_information(workspace, today)}
<section aria-labelledby="systems"><h2 id="systems">Systems and their latest evidence</h2>
<table><thead><tr><th scope="col">AI system</th><th scope="col">Tier</th><th scope="col">Process</th>
<th scope="col">Latest evidence</th><th scope="col">Effective</th><th scope="col">Next review due</th>
<th scope="col">Review</th><th scope="col">Sign-off</th><th scope="col">Open nonconformities</th></tr></thead>
<tbody>{''.join(body)}</tbody></table></section>
<section aria-labelledby="organisation"><h2 id="organisation">Organisation-wide records</h2>
<table><thead><tr><th scope="col">Process</th><th scope="col">Latest evidence</th><th scope="col">Effective</th>
<th scope="col">Sign-off</th></tr></thead><tbody>{organisation_rows}</tbody></table>
<p>Open organisation-wide nonconformities: {org_ncs}.</p></section>
</main></body></html>
"""
    path = workspace.evidence_dir / INDEX_FILE
    workspace.evidence_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(path, html.encode())
    return str(path)
