"""Pure helpers with no Django dependency."""
