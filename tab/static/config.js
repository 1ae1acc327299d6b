// The team tab's configuration page: Teams shows it when a team adds the tab; saving it
// points the tab at the portfolio page in the team's context (Teams fills in the locale).
const config = JSON.parse(document.getElementById("config").textContent);

function hostOrigins() {
  // a Teams host on loopback (the browser tests' host) is trusted only by a page on loopback
  const parent = location.ancestorOrigins?.[0];
  const loopback = /^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/;
  return config.loopback && parent && loopback.test(parent) ? [parent] : undefined;
}

async function configure() {
  const sdk = globalThis.microsoftTeams;
  if (!sdk) return;
  await sdk.app.initialize(hostOrigins());
  const page = `${location.origin}/tab/`;
  sdk.pages.config.registerOnSaveHandler((save) => {
    sdk.pages.config
      .setConfig({
        entityId: "wasstraat-portfolio",
        contentUrl: `${page}?context=team&locale={locale}`,
        websiteUrl: `${page}?context=team`,
        suggestedDisplayName: "Wasstraat",
      })
      .then(
        () => save.notifySuccess(),
        (error) => save.notifyFailure(String(error)),
      );
  });
  sdk.pages.config.setValidityState(true);
  sdk.app.notifySuccess();
}

configure().catch(() => {
  // outside Teams the page is only an explanation
});
