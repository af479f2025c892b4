"""The public face: FastAPI app with the chat API, health and the chat page."""
