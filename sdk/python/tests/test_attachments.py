"""EventsApi: put_event_attachment, get_event_attachment, delete_event_attachment.

An organizer attaches a PDF; anyone downloads it with its type and file name; a renamed
executable is refused; only the owner (or an admin) may attach or remove."""

import hashlib

import pytest

from event_sdk.exceptions import ApiException, ForbiddenException, NotFoundException, UnauthorizedException
from event_sdk.models import AttachmentView
from support import header

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_an_organizer_attaches_a_pdf_and_anyone_downloads_it(organizer, anonymous, make_event):
    event = make_event()
    response = organizer.events.put_event_attachment_with_http_info(event.id, PDF, filename="Programme été.pdf")
    assert response.status_code == 201
    file = response.data
    assert isinstance(file, AttachmentView)
    assert file.content_type == "application/pdf"
    assert file.size == len(PDF)
    assert file.sha256 == hashlib.sha256(PDF).hexdigest()
    assert file.file_name == "Programme été.pdf"
    assert organizer.events.get_event(event.id).attachment_url == f"/events/{event.id}/attachment"

    download = anonymous.events.get_event_attachment_with_http_info(event.id)
    assert download.status_code == 200
    assert bytes(download.data) == PDF
    assert header(download, "Content-Type") == "application/pdf"
    assert header(download, "Content-Disposition") == (
        "attachment; filename=\"Programme _t_.pdf\"; filename*=UTF-8''Programme%20%C3%A9t%C3%A9.pdf"
    )
    assert header(download, "X-Content-Type-Options") == "nosniff"


def test_a_replaced_then_removed_file_is_gone(organizer, anonymous, make_event):
    event = make_event(attachment_url="https://example.com/details")
    organizer.events.put_event_attachment(event.id, PDF, filename="a.pdf")
    replaced = organizer.events.put_event_attachment_with_http_info(event.id, b"Plain notes\n", filename="notes.txt")
    assert replaced.status_code == 200
    assert replaced.data.content_type == "text/plain; charset=utf-8"
    assert bytes(anonymous.events.get_event_attachment(event.id)) == b"Plain notes\n"

    organizer.events.delete_event_attachment(event.id)
    assert organizer.events.get_event(event.id).attachment_url == "https://example.com/details"
    with pytest.raises(NotFoundException) as raised:
        anonymous.events.get_event_attachment(event.id)
    assert raised.value.data.code == "attachment_not_found"


def test_a_renamed_executable_is_refused(organizer, make_event):
    event = make_event()
    elf = b"\x7fELF\x02\x01\x01" + bytes(64)
    with pytest.raises(ApiException) as raised:
        organizer.events.put_event_attachment(event.id, elf, filename="agenda.pdf")
    assert raised.value.status == 415
    assert raised.value.data.code == "unsupported_attachment_type"


def test_only_the_owner_may_attach(stranger, anonymous, make_event):
    event = make_event()
    with pytest.raises(ForbiddenException):
        stranger.events.put_event_attachment(event.id, PDF, filename="a.pdf")
    with pytest.raises(UnauthorizedException):
        anonymous.events.put_event_attachment(event.id, PDF, filename="a.pdf")
