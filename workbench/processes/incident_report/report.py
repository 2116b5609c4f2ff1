"""The evidence sections of the incident report, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.records.citations import evidence_href
from workbench.ui.display import show_html, table

DEPTH = 4  # evidence/<system>/incident-report/<incident>/<run id>/evidence.html
CLOCK_CLASS = {"overdue": "breach", "due": "breach", "reported late": "breach"}


def _link(record: dict) -> Markup:
    return Markup('<a href="{}">{}</a>').format(evidence_href(record["path"], DEPTH), record["run_id"])


def summary(run) -> None:
    """Where the incident stands, and its report to the market surveillance authority first."""
    i, clock = run.results.incident, run.results.clock
    head = Markup("<h2>Summary</h2><p>Incident <strong>{}</strong>, {}: {}; severity <strong>{}</strong>{}.</p>").format(
        i["incident_id"], i["title"], i["status"], i["severity"],
        Markup(", a <strong>serious incident</strong> ({})").format(i["serious_ground"]) if i["serious"] else "")
    css = CLOCK_CLASS.get(clock["status"], "ok")
    if clock["status"] == "not required":
        body = Markup("<p class='ok'>No report to the market surveillance authority runs: {}.</p>").format(clock["rule"])
    else:
        state = {"overdue": "OVERDUE", "due": "due soon", "running": "running", "reported": "made on time",
                 "reported late": "made late"}[clock["status"]]
        body = Markup("<p class='{}'>Report to the market surveillance authority (EU AI Act Art. 73): <strong>{}"
                      "</strong>. Due {}{}.</p><p class='note'>The method: {}. Calendar days, weekends and holidays "
                      "count; a report made on the due day is on time.</p>").format(
            css, state, clock["due_on"],
            Markup("; made {}").format(clock["reported_on"]) if clock["reported_on"] else
            Markup(", {} day(s) {}").format(abs(clock["days_left"]), "left" if clock["days_left"] >= 0 else "ago"),
            clock["rule"])
    show_html(head + body)


def facts(run) -> None:
    """What happened, when it was detected and known, by whom, the harm and who was affected."""
    i = run.results.incident
    rows = [("What happened", i["what_happened"]), ("Detected on", i["detected_on"]), ("Detected by", i["detected_by"]),
            ("Organisation aware on", i["aware_on"]), ("Recorded by", i["reported_by"]),
            ("Severity", i["severity"]), ("Harm category", i["harm_category"]),
            ("Who was affected", "; ".join(i["affected"])),
            ("How many", "not known" if i["affected_count"] is None else f"{i['affected_count']:,}"),
            ("Serious incident (EU AI Act)", i["serious_ground"] if i["serious"] else "no"),
            ("Root cause", i["root_cause"] or "not yet known")]
    if i["status"] == "closed":
        rows += [("Closed on", i["closed_on"]), ("Lessons learned", i["lessons_learned"])]
    show_html(Markup("<h2>The incident</h2>") + table(("Fact", "Value"), rows, caption="As the timeline stands"))


def response(run) -> None:
    """Containment actions and communications made: to whom, when, what."""
    i = run.results.incident
    contained = (table(("On", "Action", "By"), [(c["on"], c["action"], c["by"]) for c in i["containment"]],
                       caption="Containment actions") if i["containment"]
                 else Markup("<p class='breach'>No containment action recorded.</p>"))
    told = (table(("On", "Recipient", "To", "What"), [(c["on"], c["recipient"], c["to"], c["what"])
                                                      for c in i["communications"]], caption="Communications made")
            if i["communications"] else Markup("<p>No communication recorded.</p>"))
    show_html(Markup("<h2>Response</h2>") + contained + told)


def leads_to(run) -> None:
    """The records the incident leads to, each cited: its nonconformity, the event that makes the
    system's assessments due, their review state, and the assessments made since awareness."""
    r = run.results
    parts = [Markup("<h2>Records it leads to</h2>")]
    if r.nonconformity:
        nc = r.nonconformity
        parts.append(Markup("<p>Nonconformity <strong>{}</strong> (10.2){}.</p>").format(
            nc["nc_id"], Markup(": {}, corrective action {}, due {}").format(nc["grade"], nc["status"], nc["due_date"])
            if "status" in nc else ""))
    elif r.incident["status"] == "open":
        parts.append(Markup("<p class='note'>This report opens the incident's nonconformity (source incident, "
                            "citing this record) when it is archived; the timeline then records its id.</p>"))
    if r.event:
        parts.append(Markup("<p>Event <strong>{}</strong> of {} (ledger entry {}): every review of the system "
                            "whose latest record predates it is due.</p>").format(r.event["kind"], r.event["occurred_on"],
                                                      r.event["ledger_hash"][:16]))
    if r.reviews:
        parts.append(table(("Assessment", "Review", "Due", "Why"),
                           [(s["process"], s["status"], s["due_on"] or "now", s["reason"]) for s in r.reviews],
                           caption="The system's risk and impact assessments"))
    parts.append(table(("Record", "Assessment", "Effective", "Status"),
                       [(_link(a), a["process"], a["effective_date"], a["status"]) for a in r.reassessments],
                       caption="Assessments made since the organisation became aware")
                 if r.reassessments else Markup("<p class='breach'>No risk or impact assessment of the system has "
                                                "been made since the organisation became aware.</p>"))
    if r.concern:
        c = r.concern
        parts.append(Markup("<p>Raised as concern <strong>{}</strong> on {} by {}: {}</p>").format(
            c["concern_id"], c["raised_at"][:10], "an anonymous reporter" if c["anonymous"] else c["raised_by"],
            c["text"]))
    show_html(Markup("").join(parts))


def timeline(run) -> None:
    """Every entry of the timeline, oldest first: appended, never edited."""
    rows = [(e["seq"], e["at"], e["by"], e["note"], ", ".join(e["changed"]) or "(first record)")
            for e in run.results.timeline]
    show_html(Markup("<h2>Timeline</h2><p class='note'>Each entry is a signed entry of the hash-chained ledger "
                     "holding the incident's whole state after it; nothing recorded is edited.</p>")
              + table(("#", "Recorded at", "By", "Note", "Changed"), rows, numeric=[0], caption="Timeline"))
    if run.request.answers.note:
        show_html(Markup("<p><strong>Note:</strong> {}</p>").format(run.request.answers.note))
