// "/matches/:id": one match — who and what, the score as one bar per
// component with the explanation in words, what the coordinator may do now
// (buttons, with a reason and a note), and the history as a timeline. A
// refused action (409 invalid_transition, placement_full, seeker_taken)
// is said in words with what is allowed instead, and the page reloads.
import { h, newId, announce } from "./dom.js";
import { t, addMessages, formatDate, formatDateTime } from "./i18n.js";
import { get, post, ApiError } from "./api.js";
import { route } from "./router.js";
import { page, heading, paragraph, link, button, field, select, textarea, alert, badge, facts, fill, setFieldError } from "./ui.js";
import {
  ROLE, COORDINATOR_ACTIONS, NEEDS_REASON, REASONS, actionLabel, didLabel, reasonLabel, actorLabel,
  yesNo, waitingText, seekerLink, scoreBlock,
} from "./coordinator-common.js";
import { nextInQueue } from "./coordinator-queue.js";

addMessages({
  nl: {
    "co.match.title": "Match {id}",
    "co.match.state": "Stand: ",
    "co.match.who": "Wie en wat",
    "co.match.seeker": "Werkzoekende",
    "co.match.seeker.gone": "Werkzoekende {id} (gegevens niet beschikbaar)",
    "co.match.placement": "Leerplek",
    "co.match.employer": "Werkgever",
    "co.match.employer.accepted": "Werkgever heeft geaccepteerd",
    "co.match.seeker.confirmed": "Werkzoekende heeft bevestigd",
    "co.match.created": "Aangemaakt",
    "co.match.period": "Periode leerplek",
    "co.match.period.value": "{from} – {until}",
    "co.match.score": "Score en toelichting",
    "co.match.score.when": "Berekend toen de match ontstond.",
    "co.match.decide": "Wat kun je nu doen?",
    "co.match.decide.none": "Aan deze match is voor jou nu niets te doen.",
    "co.match.decide.wait.employer": "De match wacht op het antwoord van de werkgever.",
    "co.match.decide.wait.seeker": "De match wacht op de bevestiging van de werkzoekende.",
    "co.match.reason": "Reden",
    "co.match.reason.hint": "Nodig bij {actions}.",
    "co.match.reason.or": " of ",
    "co.match.reason.required": "Kies een reden om te kunnen kiezen voor “{action}”.",
    "co.match.note": "Notitie (niet verplicht)",
    "co.match.note.hint": "Alleen voor de academie en het partnerportaal; de werkgever ziet hem niet.",
    "co.match.done": "Gelukt: {what}.",
    "co.match.refused": "Niet gelukt.",
    "co.match.allowed": "Wat nu wel kan: {actions}.",
    "co.match.allowed.none": "Aan deze match kun je nu niets meer doen.",
    "co.match.reloaded": "De pagina is vernieuwd: je ziet de match zoals hij nu is.",
    "co.match.next": "Volgende match in de wachtrij",
    "co.match.back": "Terug naar de wachtrij",
    "co.match.history": "Geschiedenis",
    "co.match.history.by": "door {actor}",
    "co.match.history.states": "{from} → {to}",
    "co.match.history.reason": "Reden: {reason}",
    "co.match.history.note": "Notitie: ",
    "co.match.history.none": "Nog geen geschiedenis.",
  },
  en: {
    "co.match.title": "Match {id}",
    "co.match.state": "State: ",
    "co.match.who": "Who and what",
    "co.match.seeker": "Job seeker",
    "co.match.seeker.gone": "Job seeker {id} (details not available)",
    "co.match.placement": "Placement",
    "co.match.employer": "Employer",
    "co.match.employer.accepted": "Employer has accepted",
    "co.match.seeker.confirmed": "Job seeker has confirmed",
    "co.match.created": "Created",
    "co.match.period": "Placement period",
    "co.match.period.value": "{from} – {until}",
    "co.match.score": "Score and explanation",
    "co.match.score.when": "Computed when the match was made.",
    "co.match.decide": "What can you do now?",
    "co.match.decide.none": "There is nothing for you to do on this match now.",
    "co.match.decide.wait.employer": "The match is waiting for the employer's answer.",
    "co.match.decide.wait.seeker": "The match is waiting for the job seeker's confirmation.",
    "co.match.reason": "Reason",
    "co.match.reason.hint": "Needed to {actions}.",
    "co.match.reason.or": " or ",
    "co.match.reason.required": "Choose a reason to be able to “{action}”.",
    "co.match.note": "Note (optional)",
    "co.match.note.hint": "Only for the academy and the partner portal; the employer does not see it.",
    "co.match.done": "Done: {what}.",
    "co.match.refused": "That did not work.",
    "co.match.allowed": "What you can do now: {actions}.",
    "co.match.allowed.none": "There is nothing more you can do on this match.",
    "co.match.reloaded": "The page has been refreshed: you see the match as it is now.",
    "co.match.next": "Next match in the queue",
    "co.match.back": "Back to the queue",
    "co.match.history": "History",
    "co.match.history.by": "by {actor}",
    "co.match.history.states": "{from} → {to}",
    "co.match.history.reason": "Reason: {reason}",
    "co.match.history.note": "Note: ",
    "co.match.history.none": "No history yet.",
  },
});

const stateWord = (state) => (state ? t(`state.${state}`) : "–");

function timeline(history) {
  const steps = [...(history ?? [])].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (!steps.length) return paragraph(t("co.match.history.none"));
  return h("ol", { class: "timeline" }, steps.map((step) =>
    h("li", { class: "timeline__item" },
      h("p", { class: "utrecht-paragraph timeline__what" },
        h("strong", {}, didLabel(step.action)), " · ",
        t("co.match.history.states", { from: stateWord(step.from_state), to: stateWord(step.to_state) })),
      h("p", { class: "utrecht-paragraph timeline__when" },
        h("time", { datetime: step.at }, formatDateTime(step.at)), " ",
        t("co.match.history.by", { actor: actorLabel(step.actor_kind, step.actor_id) })),
      step.reason_code
        ? h("p", { class: "utrecht-paragraph timeline__reason" }, t("co.match.history.reason", { reason: reasonLabel(step.reason_code) }))
        : null,
      step.note
        ? h("p", { class: "utrecht-paragraph timeline__note" }, t("co.match.history.note"), h("q", {}, step.note))
        : null)));
}

// The buttons for what the state allows, one reason select and a note.
function decision(match, onDone) {
  const actions = COORDINATOR_ACTIONS[match.state] ?? [];
  if (!actions.length) return [paragraph(t("co.match.decide.none"))];
  const waits = match.state === "approved"
    ? paragraph(t(!match.employer_accepted ? "co.match.decide.wait.employer" : "co.match.decide.wait.seeker"))
    : null;
  const needing = actions.filter((a) => NEEDS_REASON.has(a));
  const reasonId = newId("reason");
  const noteId = newId("note");
  const reason = select([["", t("co.reason.choose")], ...REASONS.map((code) => [code, reasonLabel(code)])],
    { id: reasonId, name: "reason_code" });
  const note = textarea({ id: noteId, name: "note", rows: "3", maxlength: "2000" });
  const problem = h("div", { class: "decision__problem", role: "alert" });
  const buttons = actions.map((action) =>
    button(actionLabel(action), () => act(action),
      { kind: action === "approve" || action === "start" || action === "complete" ? "primary" : "secondary" }));
  actions.forEach((action, i) => buttons[i].setAttribute("data-action", action));

  async function act(action) {
    problem.replaceChildren();
    setFieldError(reasonId, null);
    setFieldError(noteId, null);
    if (NEEDS_REASON.has(action) && !reason.value) {
      setFieldError(reasonId, t("co.match.reason.required", { action: actionLabel(action) }));
      reason.focus();
      return;
    }
    for (const b of buttons) b.disabled = true;
    try {
      await post(`/v1/matches/${encodeURIComponent(match.id)}/transitions`, {
        action,
        reason_code: reason.value || null,
        note: note.value.trim() || null,
      });
      onDone({ kind: "ok", text: t("co.match.done", { what: didLabel(action).toLowerCase() }), done: true });
    } catch (error) {
      for (const b of buttons) b.disabled = false;
      if (error instanceof ApiError && error.status === 409) {
        const allowed = error.details.find((d) => Array.isArray(d.allowed_actions))?.allowed_actions;
        onDone({ kind: "error", text: error.message, allowed });
        return;
      }
      if (error instanceof ApiError && error.status === 422 && error.details.length) {
        for (const d of error.details) {
          if (d.field === "reason_code") setFieldError(reasonId, d.problem);
          else if (d.field === "note") setFieldError(noteId, d.problem);
        }
      }
      problem.replaceChildren(alert("error", paragraph(error.message)));
      problem.querySelector(".utrecht-alert")?.setAttribute("tabindex", "-1");
      problem.querySelector(".utrecht-alert")?.focus();
    }
  }

  return [
    waits,
    h("form", { class: "decision", novalidate: true, onsubmit: (event) => event.preventDefault() },
      field(t("co.match.reason"), reason, {
        description: needing.length
          ? t("co.match.reason.hint", { actions: needing.map((a) => `“${actionLabel(a)}”`).join(t("co.match.reason.or")) })
          : undefined,
      }),
      field(t("co.match.note"), note, { description: t("co.match.note.hint") }),
      problem,
      h("div", { class: "button-row decision__actions" }, buttons)),
  ];
}

// A message at the top after an action: what happened, what is allowed now.
function noticeBox(notice, match) {
  if (!notice) return null;
  const lines = [paragraph(notice.text)];
  if (notice.kind === "error") {
    const allowed = (notice.allowed ?? COORDINATOR_ACTIONS[match.state] ?? []).filter(Boolean);
    lines.push(paragraph(allowed.length
      ? t("co.match.allowed", { actions: allowed.map(actionLabel).join(", ") })
      : t("co.match.allowed.none")));
    lines.push(paragraph(t("co.match.reloaded")));
  }
  const next = notice.done ? nextInQueue(match.id) : null;
  if (next) lines.push(paragraph(link(`#/matches/${next}`, t("co.match.next"))));
  const box = alert(notice.kind, ...lines);
  box.tabIndex = -1;
  box.classList.add("match__notice");
  return box;
}

async function matchPage(main, id, notice) {
  const body = h("div", { class: "match" });
  page(main, t("co.match.title", { id }), body);
  let focusTarget = null;
  await fill(body, async () => {
    const match = await get(`/v1/matches/${encodeURIComponent(id)}`);
    const [seeker, placement, employer] = await Promise.all([
      match.seeker_id ? get(`/v1/seekers/${match.seeker_id}`).catch(() => null) : null,
      get(`/v1/placements/${match.placement_id}`).catch(() => null),
      get(`/v1/employers/${match.employer_id}`).catch(() => null),
    ]);
    const box = noticeBox(notice, match);
    focusTarget = box;
    const reload = async (next) => {
      await matchPage(main, id, next);
      announce(next.text);
    };
    return [
      box,
      paragraph(t("co.match.state"), badge(match.state), " · ", waitingText(match.state_since)),
      h("section", { class: "match__who" },
        heading(2, t("co.match.who")),
        facts([
          [t("co.match.seeker"), seeker
            ? seekerLink(match.seeker_id, seeker.name)
            : match.seeker_id ? seekerLink(match.seeker_id, t("co.match.seeker.gone", { id: match.seeker_id })) : null],
          [t("co.match.placement"), link(`#/placements/${match.placement_id}`, placement?.title ?? t("co.placement.n", { id: match.placement_id }))],
          [t("co.match.period"), placement
            ? t("co.match.period.value", { from: formatDate(placement.start_date), until: formatDate(placement.end_date) })
            : null],
          [t("co.match.employer"), link(`#/employers/${match.employer_id}`, employer?.name ?? t("co.employer.n", { id: match.employer_id }))],
          [t("co.match.employer.accepted"), yesNo(match.employer_accepted)],
          [t("co.match.seeker.confirmed"), yesNo(match.seeker_confirmed)],
          [t("co.match.created"), formatDateTime(match.created_at)],
        ])),
      h("section", { class: "match__score" },
        heading(2, t("co.match.score")),
        paragraph(t("co.match.score.when")),
        scoreBlock(match, { level: 3, open: true, maxTravelKm: seeker?.max_travel_km })),
      h("section", { class: "match__decide" },
        heading(2, t("co.match.decide")),
        ...decision(match, reload)),
      h("section", { class: "match__history" },
        heading(2, t("co.match.history")),
        timeline(match.history)),
      paragraph(link("#/queue", t("co.match.back"))),
    ];
  });
  if (focusTarget) focusTarget.focus();
}

route("/matches/:id", (params, main) => matchPage(main, params.id), ROLE);

