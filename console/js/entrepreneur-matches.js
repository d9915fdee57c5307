// Matches a coordinator approved for the entrepreneur's placements: accept
// or decline (with a reason), and once the seeker confirmed, their contact
// details. And the notification feed.
import { h, newId, announce, replace } from "./dom.js";
import { t, addMessages, formatDateTime, formatAge } from "./i18n.js";
import { get, post, getAll } from "./api.js";
import { route } from "./router.js";
import { page, heading, paragraph, link, button, alert, badge, facts, fill, failure } from "./ui.js";
import { candidateProfile } from "./entrepreneur-common.js";
import { scoreBlock } from "./score.js";

// The API takes any reason code of a-z and _ (openapi.yaml lists none for
// `decline`); these are the console's.
export const DECLINE_REASONS = ["no_capacity", "skills_mismatch", "schedule_mismatch", "placement_filled", "other"];

addMessages({
  nl: {
    "matches.title": "Matches",
    "matches.intro": "De academie heeft deze kandidaten bij je leerplekken gezocht en goedgekeurd. Zeg ja of nee.",
    "matches.waiting": "Wacht op jouw antwoord",
    "matches.waiting.none": "Er wacht nu niets op je antwoord.",
    "matches.running": "Lopend",
    "matches.running.none": "Er lopen nu geen matches.",
    "matches.earlier": "Eerder",
    "matches.placement": "Leerplek",
    "matches.unknown_placement": "Leerplek {id}",
    "matches.since": "Sinds {date} ({age})",
    "match.situation.answer": "De academie heeft deze match goedgekeurd. Wil je deze kandidaat een plek geven?",
    "match.situation.answer_confirmed": "De werkzoekende heeft al ja gezegd. Wil jij ook?",
    "match.situation.wait_seeker": "Je hebt geaccepteerd. We wachten op het antwoord van de werkzoekende.",
    "match.situation.confirmed": "Jullie hebben allebei ja gezegd.",
    "match.situation.started": "De werk-leerplek is gestart.",
    "match.situation.completed": "De werk-leerplek is afgerond.",
    "match.situation.declined": "Je hebt deze match geweigerd.",
    "match.situation.withdrawn": "De werkzoekende heeft zich teruggetrokken.",
    "match.situation.other": "Deze match is {state}.",
    "match.accept": "Accepteren",
    "match.decline": "Weigeren",
    "match.decline.legend": "Waarom weiger je?",
    "match.decline.send": "Weigering versturen",
    "match.decline.cancel": "Toch niet",
    "match.decline.choose": "Kies een reden.",
    "reason.no_capacity": "We hebben nu geen tijd of plek",
    "reason.skills_mismatch": "Past niet bij het werk",
    "reason.schedule_mismatch": "De werktijden passen niet",
    "reason.placement_filled": "De plek is al vergeven",
    "reason.other": "Een andere reden",
    "match.accepted": "Je hebt de match geaccepteerd.",
    "match.accepted.wait": "We laten het je weten als de werkzoekende ook ja zegt.",
    "match.accepted.contact": "De werkzoekende had al ja gezegd. De contactgegevens staan hieronder.",
    "match.declined": "Je hebt de match geweigerd. De academie weet het nu.",
    "match.now": "De match is nu: {state}.",
    "match.allowed_none": "Je kunt nu niets meer doen met deze match.",
    "contact.title": "Contactgegevens",
    "contact.intro": "De werkzoekende heeft ja gezegd en deelt deze gegevens met je. Neem zelf contact op om kennis te maken.",
    "contact.name": "Naam",
    "contact.email": "E-mail",
    "contact.phone": "Telefoon",
    "match.open": "Bekijk de match",
    "feed.title": "Meldingen",
    "feed.none": "Je hebt geen meldingen.",
    "feed.new": "nieuw",
    "feed.read": "Gelezen",
    "feed.read.label": "Markeer als gelezen: {text}",
    "feed.read.done": "Gemarkeerd als gelezen.",
    "feed.all_read": "Alles gelezen",
    "feed.all_read.done": "Alle meldingen zijn gelezen.",
    "feed.match_approved": "Nieuwe match voor “{title}”. Geef je antwoord.",
    "feed.seeker_answered.confirmed": "De werkzoekende heeft ja gezegd op de match voor “{title}”.",
    "feed.seeker_answered.withdrawn": "De werkzoekende heeft zich teruggetrokken van de match voor “{title}”.",
    "feed.seeker_answered": "De werkzoekende heeft geantwoord op de match voor “{title}”.",
    "feed.reminder": "Herinnering: een match voor “{title}” wacht op je antwoord.",
    "feed.match_cancelled": "De match voor “{title}” is gestopt.",
    "feed.employer_answered": "Je antwoord op de match voor “{title}” is verwerkt.",
    "feed.other": "Nieuws over de match voor “{title}”.",
  },
  en: {
    "matches.title": "Matches",
    "matches.intro": "The academy found and approved these candidates for your placements. Say yes or no.",
    "matches.waiting": "Waiting for your answer",
    "matches.waiting.none": "Nothing is waiting for your answer.",
    "matches.running": "Ongoing",
    "matches.running.none": "No matches are ongoing.",
    "matches.earlier": "Earlier",
    "matches.placement": "Placement",
    "matches.unknown_placement": "Placement {id}",
    "matches.since": "Since {date} ({age})",
    "match.situation.answer": "The academy approved this match. Do you want to give this candidate a place?",
    "match.situation.answer_confirmed": "The job seeker has already said yes. Do you too?",
    "match.situation.wait_seeker": "You accepted. We are waiting for the job seeker's answer.",
    "match.situation.confirmed": "You have both said yes.",
    "match.situation.started": "The work-learning place has started.",
    "match.situation.completed": "The work-learning place is completed.",
    "match.situation.declined": "You declined this match.",
    "match.situation.withdrawn": "The job seeker withdrew.",
    "match.situation.other": "This match is {state}.",
    "match.accept": "Accept",
    "match.decline": "Decline",
    "match.decline.legend": "Why do you decline?",
    "match.decline.send": "Send decline",
    "match.decline.cancel": "Cancel",
    "match.decline.choose": "Choose a reason.",
    "reason.no_capacity": "We have no time or room right now",
    "reason.skills_mismatch": "Does not fit the work",
    "reason.schedule_mismatch": "The working hours do not fit",
    "reason.placement_filled": "The place has been filled",
    "reason.other": "Another reason",
    "match.accepted": "You accepted the match.",
    "match.accepted.wait": "We will let you know when the job seeker says yes too.",
    "match.accepted.contact": "The job seeker had already said yes. The contact details are below.",
    "match.declined": "You declined the match. The academy knows now.",
    "match.now": "The match is now: {state}.",
    "match.allowed_none": "There is nothing more you can do with this match.",
    "contact.title": "Contact details",
    "contact.intro": "The job seeker said yes and shares these details with you. Get in touch to meet.",
    "contact.name": "Name",
    "contact.email": "E-mail",
    "contact.phone": "Phone",
    "match.open": "See the match",
    "feed.title": "Notifications",
    "feed.none": "You have no notifications.",
    "feed.new": "new",
    "feed.read": "Read",
    "feed.read.label": "Mark as read: {text}",
    "feed.read.done": "Marked as read.",
    "feed.all_read": "All read",
    "feed.all_read.done": "All notifications are read.",
    "feed.match_approved": "New match for “{title}”. Give your answer.",
    "feed.seeker_answered.confirmed": "The job seeker said yes to the match for “{title}”.",
    "feed.seeker_answered.withdrawn": "The job seeker withdrew from the match for “{title}”.",
    "feed.seeker_answered": "The job seeker answered on the match for “{title}”.",
    "feed.reminder": "Reminder: a match for “{title}” is waiting for your answer.",
    "feed.match_cancelled": "The match for “{title}” has been stopped.",
    "feed.employer_answered": "Your answer on the match for “{title}” has been processed.",
    "feed.other": "News about the match for “{title}”.",
  },
});

// {placement id: title} of the caller's placements.
async function placementTitles(me) {
  const titles = new Map();
  if (!me.employer_id) return titles;
  try {
    for (const p of await getAll(`/v1/placements?employer_id=${encodeURIComponent(me.employer_id)}`))
      titles.set(p.id, p.title);
  } catch {
    /* titles are a nicety: the ids will do */
  }
  return titles;
}

const titleOf = (titles, id) => titles.get(id) ?? t("matches.unknown_placement", { id });

const waitsForMe = (m) => m.state === "approved" && !m.employer_accepted;

function situation(m) {
  if (m.state === "approved")
    return t(m.employer_accepted ? "match.situation.wait_seeker"
      : m.seeker_confirmed ? "match.situation.answer_confirmed" : "match.situation.answer");
  const key = `match.situation.${m.state}`;
  const text = t(key);
  return text === key ? t("match.situation.other", { state: t(`state.${m.state}`) }) : text;
}

// The seeker's contact details, once they confirmed.
function contactDetails(contact, level) {
  if (!contact) return null;
  return h("section", { class: "contact-details" },
    heading(level, t("contact.title")),
    paragraph(t("contact.intro")),
    facts([
      [t("contact.name"), contact.name],
      [t("contact.email"), contact.email ? h("a", { class: "utrecht-link", href: `mailto:${contact.email}` }, contact.email) : null],
      [t("contact.phone"), contact.phone ? h("a", { class: "utrecht-link", href: `tel:${contact.phone.replace(/[^+0-9]/g, "")}` }, contact.phone) : null],
    ]));
}

// One match as a card; `level` is its heading's level. The card redraws
// itself after an action; the outcome is said in its message box, which
// gets focus.
function matchCard(initial, titles, level = 3) {
  let m = initial;
  const titleId = newId("match");
  const element = h("article", { class: "match-card", "aria-labelledby": titleId });
  const message = h("div", { class: "match-card__message", tabindex: "-1" });

  function say(kind, ...texts) {
    message.replaceChildren(alert(kind, ...texts.filter(Boolean).map((text) => paragraph(text))));
    message.focus();
    announce(texts.filter(Boolean).join(" "));
  }

  async function transition(body) {
    try {
      m = await post(`/v1/matches/${m.id}/transitions`, body);
      draw();
      if (body.action === "accept")
        say("ok", t("match.accepted"), m.seeker_contact ? t("match.accepted.contact") : t("match.accepted.wait"));
      else say("ok", t("match.declined"));
    } catch (error) {
      const detail = (error.details ?? []).find((d) => d.current_state);
      if (error.status === 409 || error.status === 404) {
        try {
          m = await get(`/v1/matches/${m.id}`);
          draw();
        } catch {
          /* no longer ours to see: the message says enough */
        }
      }
      say("error", error.message,
        detail ? t("match.now", { state: t(`state.${detail.current_state}`) }) : null,
        detail && !(detail.allowed_actions ?? []).some((a) => a === "accept" || a === "decline") ? t("match.allowed_none") : null);
    }
  }

  function declinePanel(actions) {
    const name = newId("reason");
    const errorId = `${name}-error`;
    const radios = DECLINE_REASONS.map((code) => {
      const id = newId("reason");
      return {
        code,
        radio: h("input", { type: "radio", id, name, value: code, class: "utrecht-radio-button utrecht-radio-button--html-input" }),
      };
    });
    const problem = h("div", { class: "utrecht-form-field-error-message", id: errorId, role: "alert" });
    const fieldset = h("fieldset", { class: "utrecht-form-fieldset decline-reasons", "aria-describedby": errorId },
      h("legend", { class: "utrecht-form-fieldset__legend" }, t("match.decline.legend")),
      radios.map(({ code, radio }) => h("div", { class: "utrecht-form-field utrecht-form-field--radio" },
        radio,
        h("label", { class: "utrecht-form-label utrecht-form-label--radio", for: radio.id }, t(`reason.${code}`)))),
      problem);
    const panel = h("form", {
      class: "decline-panel",
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const chosen = radios.find((r) => r.radio.checked);
        if (!chosen) {
          problem.textContent = t("match.decline.choose");
          fieldset.setAttribute("aria-invalid", "true");
          radios[0].radio.focus();
          return;
        }
        transition({ action: "decline", reason_code: chosen.code });
      },
    },
      fieldset,
      h("div", { class: "button-row" },
        button(t("match.decline.send"), undefined, { kind: "primary", type: "submit" }),
        button(t("match.decline.cancel"), () => {
          panel.remove();
          actions.hidden = false;
          actions.querySelector("button:last-child")?.focus();
        }, { kind: "subtle" })));
    return { panel, first: radios[0].radio };
  }

  function draw() {
    const title = heading(level, titleOf(titles, m.placement_id));
    title.id = titleId;
    const actions = waitsForMe(m)
      ? h("div", { class: "button-row match-card__actions" },
          button(t("match.accept"), () => transition({ action: "accept" }), { kind: "primary" }),
          button(t("match.decline"), () => {
            const { panel, first } = declinePanel(actions);
            actions.hidden = true;
            actions.after(panel);
            first.focus();
          }, { kind: "secondary" }))
      : null;
    replace(element,
      title,
      h("p", { class: "utrecht-paragraph match-card__state" },
        badge(m.state), " ",
        t("matches.since", { date: formatDateTime(m.state_since), age: formatAge(m.state_since) })),
      paragraph(situation(m)),
      message,
      contactDetails(m.seeker_contact, level + 1),
      actions,
      candidateProfile(m.candidate, level + 1),
      scoreBlock({ score: m.score, explanation: m.explanation },
        { level: level + 1, open: true, maxTravelKm: m.candidate?.max_travel_km }));
  }

  draw();
  return element;
}

async function matchesPage(main, me) {
  const body = h("div", { class: "matches" });
  page(main, t("matches.title"), paragraph(t("matches.intro")), body);
  await fill(body, async () => {
    const [titles, matches] = await Promise.all([placementTitles(me), getAll("/v1/matches")]);
    const waiting = matches.filter(waitsForMe).sort((a, b) => b.waiting_seconds - a.waiting_seconds);
    const running = matches.filter((m) => !waitsForMe(m) && ["approved", "confirmed", "started"].includes(m.state));
    const earlier = matches.filter((m) => !waitsForMe(m) && !running.includes(m));
    const cards = (items) => h("ul", { class: "match-list" }, items.map((m) => h("li", { class: "match-list__item" }, matchCard(m, titles, 3))));
    return [
      h("section", { class: "matches__waiting" },
        heading(2, `${t("matches.waiting")} (${waiting.length})`),
        waiting.length ? cards(waiting) : paragraph(t("matches.waiting.none"))),
      h("section", { class: "matches__running" },
        heading(2, `${t("matches.running")} (${running.length})`),
        running.length ? cards(running) : paragraph(t("matches.running.none"))),
      earlier.length
        ? h("details", { class: "matches__earlier" },
            h("summary", {}, `${t("matches.earlier")} (${earlier.length})`),
            cards(earlier))
        : null,
    ];
  });
}

async function matchPage(main, me, id) {
  let m;
  try {
    m = await get(`/v1/matches/${encodeURIComponent(id)}`);
  } catch (error) {
    page(main, t("matches.title"), failure(error), paragraph(link("#/matches", t("nav.matches"))));
    return;
  }
  const titles = await placementTitles(me);
  page(main, t("matches.title"), matchCard(m, titles, 2), paragraph(link("#/matches", t("nav.matches"))));
}

// --- the feed ---

function feedText(item, titles) {
  const title = titleOf(titles, item.payload?.placement_id);
  const type = item.type ?? item.payload?.type;
  if (type === "seeker_answered") {
    const state = item.payload?.state;
    if (state === "confirmed" || state === "started") return t("feed.seeker_answered.confirmed", { title });
    if (state === "withdrawn") return t("feed.seeker_answered.withdrawn", { title });
    return t("feed.seeker_answered", { title });
  }
  const key = `feed.${type}`;
  const text = t(key, { title });
  return text === key ? t("feed.other", { title }) : text;
}

async function feedPage(main, me) {
  const body = h("div", { class: "feed" });
  page(main, t("feed.title"), body);
  let titles = new Map();
  let items = [];

  async function markRead(item) {
    await post(`/v1/notifications/${item.id}/read`);
    item.read = true;
  }

  function draw(focusAfter) {
    if (!items.length) {
      body.replaceChildren(paragraph(t("feed.none")));
      return;
    }
    const unread = items.filter((i) => !i.read).length;
    const allRead = unread
      ? button(t("feed.all_read"), async () => {
          try {
            for (const item of items.filter((i) => !i.read)) await markRead(item);
            draw();
            body.querySelector(".feed__item")?.focus();
            announce(t("feed.all_read.done"));
          } catch (error) {
            body.prepend(failure(error));
            announce(error.message);
          }
        }, { kind: "secondary" })
      : null;
    const list = h("ul", { class: "feed__list" }, items.map((item, index) => {
      const text = feedText(item, titles);
      return h("li", { class: ["feed__item", item.read ? "feed__item--read" : "feed__item--unread"], tabindex: "-1", "data-index": String(index) },
        h("p", { class: "utrecht-paragraph feed__text" },
          item.read ? null : h("span", { class: "utrecht-status-badge feed__new" }, t("feed.new")), item.read ? null : " ",
          text),
        h("p", { class: "utrecht-paragraph feed__time" }, formatDateTime(item.created_at)),
        h("div", { class: "button-row feed__actions" },
          item.match_id ?? item.payload?.match_id
            ? h("a", {
                class: "utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action",
                href: `#/matches/${item.match_id ?? item.payload.match_id}`,
                onclick: () => { if (!item.read) markRead(item).catch(() => {}); },
              }, t("match.open"))
            : null,
          item.read
            ? null
            : h("button", {
                type: "button",
                class: "utrecht-button utrecht-button--subtle feed__read",
                "aria-label": t("feed.read.label", { text }),
                onclick: async () => {
                  try {
                    await markRead(item);
                    draw(index);
                    announce(t("feed.read.done"));
                  } catch (error) {
                    announce(error.message);
                    body.prepend(failure(error));
                  }
                },
              }, t("feed.read"))));
    }));
    body.replaceChildren(...[allRead ? h("div", { class: "button-row" }, allRead) : null, list].filter(Boolean));
    if (focusAfter !== undefined) {
      // the next unread item's button, else this item
      const buttons = [...body.querySelectorAll(".feed__read")];
      const next = buttons.find((b) => Number(b.closest(".feed__item").dataset.index) > focusAfter) ?? buttons[0];
      (next ?? body.querySelector(`[data-index="${focusAfter}"]`))?.focus();
    }
  }

  await fill(body, async () => {
    const [t1, feed] = await Promise.all([placementTitles(me), get("/v1/notifications?limit=100")]);
    titles = t1;
    items = feed?.items ?? [];
    return [];
  });
  if (!body.querySelector(".utrecht-alert--error")) draw();
}

export function registerMatches() {
  route("/matches", (params, main, me) => matchesPage(main, me), { roles: ["employer"] });
  route("/matches/:id", (params, main, me) => matchPage(main, me, params.id), { roles: ["employer"] });
  route("/feed", (params, main, me) => feedPage(main, me), { roles: ["employer"] });
}
