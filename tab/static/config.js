// The team tab's configuration page: Teams shows it when a team adds the tab; saving it
// points the tab at the portfolio page in the team's context (Teams fills in the locale).

function follow(theme) {
  // the page's colours are the system's, light or dark as Teams is (see portfolio.css)
  document.documentElement.dataset.theme = theme === "dark" || theme === "contrast" ? theme : "default";
}

async function configure() {
  const sdk = globalThis.microsoftTeams;
  if (!sdk) return;
  await sdk.app.initialize();
  const context = await sdk.app.getContext();
  follow(context.app?.theme);
  sdk.app.registerOnThemeChangeHandler(follow);
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
