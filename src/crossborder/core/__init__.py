"""Settings, storage, money and dates, errors, identity and access, audit log, i18n."""
