"""Mail we send to customers: confirmations and polite rejections of emailed purchase orders.

``templates`` (built-in texts, admin overrides, rendering) and ``compose`` (the reply message,
threaded to the customer's) are pure; ``smtp`` sends a composed message with smtplib.
"""
