"""The review workflow over the store: service (the dashboard's and CLI's operations), review (statuses, decisions), auth (accounts), indicators (funnel, key figures)."""
