"""Consumer redress across borders: complaints and online dispute resolution (ODR) in stages,
cooperation between consumer-protection authorities, and cross-border fraud-incident sharing."""
