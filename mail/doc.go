// Package mail delivers Clara's email (one-time codes, notices) behind the
// core.Mailer port.
//
// Two implementations are provided:
//
//   - SMTP submits each message to a mail server over SMTP, with implicit TLS
//     or STARTTLS, and AUTH PLAIN or LOGIN when credentials are configured.
//   - Dev, for local development only, writes each message to the log and to
//     an outbox folder; ReadOutbox reads that folder back.
//
// Both send the same MIME message: multipart/alternative with a text/plain
// and a text/html part, each UTF-8 and quoted-printable.
package mail
