package core

import "context"

// Message is an email to one recipient, with a plain-text and an HTML body.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Mailer is the port through which Clara sends email (package mail: SMTP,
// or a development mailer that writes to the log and an outbox folder).
// Send returns once the message is accepted for delivery, or an error; it
// must give up when ctx is done.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}
