"""Qt item models the views show: the conversation list and the messages of the open conversation."""
