"""Customs and tax for low-value e-commerce: landed cost, low-value declarations, bulk
manifests, risk lanes, the officer workbench and the pre-arrival green lane."""
