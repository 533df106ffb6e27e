"""Files hebbviz ships: the default model, icons and screenshots (installed as hebbviz.assets)."""
