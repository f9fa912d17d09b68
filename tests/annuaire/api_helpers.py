"""Reading the API's answers in tests: exports are streamed, pages are not."""

import json


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def json_body(response):
    return json.loads(body(response))


def text_body(response):
    return body(response).decode("utf-8")
