"""The file store (bytes by random key, behind a small interface) and the pure helpers around it.

``store`` keeps bytes; ``sniff`` tells what they are from their first bytes; ``names`` cleans a user's file
name for display; ``previews`` makes thumbnails, poster frames, durations and avatars. None of them touches
the database or knows who may see what: that is the services (uploads, file_access, avatars, file_purge).
"""

# A message carries at most this many files (validated in the API, checked again by the database).
MAX_ATTACHMENTS = 10
