"""Marketing communications: campaigns mailed to newsletter subscribers (campaigns.py, tasks.py)."""
