// "/organisation/colleagues": an employer user invites colleagues of their
// own organisation (POST /v1/invitations, role "employer"), and sees the
// invitations with "send again" and "revoke" (invitations.js).
import { t, addMessages } from "./i18n.js";
import { route } from "./router.js";
import { page, paragraph, link } from "./ui.js";
import { invitationsScreen } from "./invitations.js";

addMessages({
  nl: {
    "colleagues.title": "Collega's uitnodigen",
    "colleagues.intro": "Laat een collega ook leerplekken en matches van je bedrijf beheren. Je collega krijgt een e-mail met een link, kiest een wachtwoord en kan meteen aan de slag.",
    "colleagues.back": "Terug naar je bedrijf",
    "colleagues.link": "Collega's uitnodigen",
    "colleagues.heading": "Collega's",
    "colleagues.new": "Een collega uitnodigen",
    "colleagues.text": "Wil een collega ook leerplekken beheren? Nodig hem of haar uit.",
  },
  en: {
    "colleagues.title": "Invite colleagues",
    "colleagues.intro": "Let a colleague manage your business's placements and matches too. Your colleague gets an e-mail with a link, chooses a password and can start straight away.",
    "colleagues.back": "Back to your business",
    "colleagues.link": "Invite colleagues",
    "colleagues.heading": "Colleagues",
    "colleagues.new": "Invite a colleague",
    "colleagues.text": "Should a colleague manage placements too? Invite them.",
  },
});

async function colleaguesPage(main, me) {
  if (!me.employer_id) return page(main, t("colleagues.title"), paragraph(t("org.no_employer")));
  await invitationsScreen(main, me, {
    title: t("colleagues.title"),
    intro: t("colleagues.intro"),
    back: paragraph(link("#/organisation", t("colleagues.back"))),
    newHeading: t("colleagues.new"),
  });
}

export function registerColleagues() {
  route("/organisation/colleagues", (params, main, me) => colleaguesPage(main, me), { roles: ["employer"] });
}
