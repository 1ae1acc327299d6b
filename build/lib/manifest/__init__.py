"""The Teams app package: manifest template, English localization, icons, and the build."""
