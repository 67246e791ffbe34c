"""Files out: the shortlist workbooks for firms, structures and the coordinator."""
