"""Monitoring: the Work Plan on the Implementation of the ASEAN Agreement on Electronic Commerce, the
ASEAN Work Programme on Electronic Commerce and the frameworks mapped onto them, as data to track."""
