"""The outbox: messages to people that are not answers (announcements, reminders, staff answers)."""
