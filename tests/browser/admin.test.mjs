// The coordinator's management of accounts, invitations and partner
// portals, at a desk (1280x800):
// - invitations: invite a coordinator, refused twice, send again (the old
//   link stops), revoke (the new link stops too);
// - accounts: disable an employer user (who can no longer log in), enable
//   again, move to another employer;
// - portals: create one, its API key shown once with a warning and a copy
//   button; a second key; revoke the first; disable and enable the portal.
// Texts: console/js/coordinator-accounts.js, invitations.js, coordinator-portals.js.
import assert from "node:assert/strict";
import {
  test, BASE, newPage, login, visit, settle, sql, api, mailbox, mailLink, freshEmployerUser, eventually,
} from "./lib.mjs";

const TEXT = {
  accounts: "Accounts",
  invite: "Iemand uitnodigen",
  invitationsTitle: "Uitnodigingen",
  email: "E-mailadres",
  asCoordinator: "Coördinator van de academie",
  submit: "Uitnodiging versturen",
  sent: /Uitnodiging verstuurd naar/,
  pendingAlready: /staat al een uitnodiging open/,
  resend: "Opnieuw versturen",
  resent: /opnieuw verstuurd/,
  revoke: "Intrekken",
  revoked: /is ingetrokken/,
  deadLink: "Deze link werkt niet (meer)",
  role: "Rol",
  show: "Tonen",
  disable: "Uitschakelen",
  enable: "Inschakelen",
  disabled: /is uitgeschakeld en overal uitgelogd/,
  enabled: /is weer ingeschakeld/,
  move: "Andere werkgever",
  moveTo: /Nieuwe werkgever voor/,
  moveSubmit: "Verplaatsen",
  moved: /hoort nu bij/,
  portals: "Partnerportalen",
  portalName: "Naam",
  portalContact: "Contact-e-mailadres (niet verplicht)",
  create: "Partnerportaal maken",
  keyWarning: /Hij wordt maar één keer getoond/,
  copy: "Sleutel kopiëren",
  keyDone: "Ik heb de sleutel bewaard",
  newKey: "Nieuwe sleutel maken",
  revokeKey: "Ja, intrekken",
  deactivate: "Uitschakelen",
  activate: "Inschakelen",
};

// Whether an API key gets in.
const keyWorks = async (key) => (await api("GET", "/v1/auth/me", { token: key })).status === 200;

test("coordinator: invite a coordinator, a second invitation refused, send again, revoke; the links stop working", async (t) => {
  t.allow(/status of 409 .*\/v1\/invitations\)$/);
  const invitee = `nieuwe-coordinator-${process.pid}@example.org`;
  const { page } = await newPage(t);
  await login(page, "coordinator");
  await page.getByRole("navigation").getByRole("link", { name: TEXT.accounts }).click();
  await page.getByRole("link", { name: TEXT.invite }).click();
  await page.getByRole("heading", { level: 1, name: TEXT.invitationsTitle }).waitFor();
  await settle(page);
  await visit(t, page, "coordinator-invitations");

  const before = mailbox();
  await page.getByLabel(TEXT.email, { exact: true }).fill(invitee);
  await page.getByLabel(TEXT.asCoordinator).check();
  await page.getByRole("button", { name: TEXT.submit }).click();
  await page.getByText(TEXT.sent).first().waitFor();
  const row = page.getByRole("row").filter({ hasText: invitee });
  await row.waitFor();
  const first = await mailLink(invitee, "invitation", before);

  // a second invitation for the same address: refused, with the way out
  await page.getByLabel(TEXT.email, { exact: true }).fill(invitee);
  await page.getByLabel(TEXT.asCoordinator).check();
  await page.getByRole("button", { name: TEXT.submit }).click();
  await page.getByText(TEXT.pendingAlready).first().waitFor();
  await visit(t, page, "coordinator-invitations-twice");

  // send again: a new link, the old one stops
  const beforeResend = mailbox();
  await row.getByRole("button", { name: TEXT.resend }).click();
  await page.getByText(TEXT.resent).first().waitFor();
  const second = await mailLink(invitee, "invitation", beforeResend);
  assert.notEqual(second.token, first.token, "a new link");
  assert.equal((await api("POST", "/v1/invitations/preview", { body: { token: first.token } })).status, 410, "the old link stops");
  assert.equal((await api("POST", "/v1/invitations/preview", { body: { token: second.token } })).status, 200, "the new one works");

  // revoke: the new link stops too
  await page.getByRole("row").filter({ hasText: invitee }).getByRole("button", { name: TEXT.revoke }).click();
  await page.getByText(TEXT.revoked).first().waitFor();
  await settle(page);
  await visit(t, page, "coordinator-invitations-revoked");
  assert.ok(sql(`SELECT revoked_at IS NOT NULL FROM invitations WHERE lower(email) = lower('${invitee}') ORDER BY id DESC LIMIT 1`) === "t");
  const { page: invited } = await newPage(t);
  t.allow(/status of 410 .*\/v1\/invitations\/preview\)$/);
  await invited.goto(second.link);
  await invited.getByRole("heading", { level: 1, name: TEXT.deadLink }).waitFor();
  await visit(t, invited, "invitation-revoked");
}, { timeout: 60_000 });

test("coordinator: accounts filtered by role; disable an employer user (logged out, refused), enable, move to another employer", async (t) => {
  const account = await freshEmployerUser("accounts");
  const other = sql("SELECT id, name FROM employers WHERE kvk_number = '90000002'").split("|");
  const { page } = await newPage(t);
  await login(page, "coordinator");
  await page.getByRole("navigation").getByRole("link", { name: TEXT.accounts }).click();
  await page.getByRole("heading", { level: 1, name: TEXT.accounts }).waitFor();
  await page.getByLabel(TEXT.role, { exact: true }).selectOption("employer");
  await page.getByRole("button", { name: TEXT.show }).click();
  await settle(page);
  const row = () => page.getByRole("row").filter({ hasText: account.email });
  await row().waitFor();
  assert.equal(await page.getByRole("row").filter({ hasText: "browser-coordinator@example.org" }).count(), 0, "only employer users");
  await visit(t, page, "coordinator-accounts");

  await row().getByRole("button", { name: TEXT.disable }).click();
  await page.getByText(TEXT.disabled).first().waitFor();
  const refused = await api("POST", "/v1/auth/login", { body: { email: account.email, password: account.password } });
  assert.notEqual(refused.status, 200, "a disabled account cannot log in");
  await visit(t, page, "coordinator-accounts-disabled");
  await row().getByRole("button", { name: TEXT.enable }).click();
  await page.getByText(TEXT.enabled).first().waitFor();
  const back = await api("POST", "/v1/auth/login", { body: { email: account.email, password: account.password } });
  assert.equal(back.status, 200, `enabled again: ${back.text}`);

  await row().getByRole("button", { name: TEXT.move }).click();
  await row().getByLabel(TEXT.moveTo).selectOption(other[0]);
  await visit(t, page, "coordinator-accounts-move");
  await row().getByRole("button", { name: TEXT.moveSubmit }).click();
  await page.getByText(TEXT.moved).first().waitFor();
  await eventually(() => sql(`SELECT employer_id FROM accounts WHERE lower(email) = lower('${account.email}')`) === other[0],
    { what: "the account moved" });
}, { timeout: 60_000 });

test("coordinator: a new partner portal, its API key shown once; a second key; revoke one; disable and enable the portal", async (t) => {
  const name = `Browsertest Portaal ${process.pid}`;
  const { page } = await newPage(t);
  await login(page, "coordinator");
  await page.getByRole("navigation").getByRole("link", { name: TEXT.portals }).click();
  await page.getByRole("heading", { level: 1, name: TEXT.portals }).waitFor();
  await settle(page);
  await visit(t, page, "coordinator-portals");

  await page.getByLabel(TEXT.portalName, { exact: true }).fill(name);
  await page.getByLabel(TEXT.portalContact).fill(`koppeling-${process.pid}@wijkteam.example`);
  await page.getByRole("button", { name: TEXT.create }).click();
  await page.getByText(TEXT.keyWarning).first().waitFor();
  const keyField = page.getByLabel(/^API-sleutel \d+$/);
  const firstKey = await keyField.inputValue();
  assert.match(firstKey, /\S{20,}/, "the key is shown");
  assert.ok(await keyWorks(firstKey), "the key shown works");
  await page.getByRole("button", { name: TEXT.copy }).waitFor();
  await settle(page);
  await visit(t, page, "coordinator-portal-key");

  // once: the portal's own page does not show it
  await page.getByRole("button", { name: TEXT.keyDone }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
  await settle(page);
  assert.ok(!(await page.content()).includes(firstKey), "the key is not on the portal's page");
  await visit(t, page, "coordinator-portal");

  // a second key, shown once too
  await page.getByRole("button", { name: TEXT.newKey }).click();
  await page.getByText(TEXT.keyWarning).first().waitFor();
  const secondKey = await page.getByLabel(/^API-sleutel \d+$/).inputValue();
  assert.notEqual(secondKey, firstKey);
  assert.ok(await keyWorks(secondKey), "the second key works");
  await page.getByRole("button", { name: TEXT.keyDone }).click();

  // revoke the first: the row of the oldest key still working
  const keyRows = page.getByRole("table").locator("tbody tr");
  await eventually(async () => (await keyRows.count()) === 2, { what: "two keys listed" });
  await keyRows.last().getByRole("button", { name: TEXT.revoke }).click();
  await page.getByRole("button", { name: TEXT.revokeKey }).click();
  await page.getByText(/is ingetrokken/).first().waitFor();
  assert.equal(await keyWorks(firstKey), false, "the revoked key no longer works");
  assert.ok(await keyWorks(secondKey), "the other still does");
  await settle(page);
  await visit(t, page, "coordinator-portal-revoked");

  // off: no key works; on again: it does
  await page.getByRole("button", { name: TEXT.deactivate, exact: true }).click();
  await page.getByText(/is uitgeschakeld/).first().waitFor();
  assert.equal(await keyWorks(secondKey), false, "a disabled portal's key does not work");
  await page.getByRole("button", { name: TEXT.activate, exact: true }).click();
  await page.getByText(/weer ingeschakeld/).first().waitFor();
  assert.ok(await keyWorks(secondKey), "enabled again");
  assert.ok(page.url().startsWith(BASE));
}, { timeout: 60_000 });
