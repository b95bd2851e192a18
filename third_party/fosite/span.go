// Copyright © 2024 Ory Corp
// SPDX-License-Identifier: Apache-2.0

package fosite

import (
	"errors"
	"fmt"
	"net/url"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// endSpan ends span, recording *err or a panic on it, as
// github.com/ory/x/otelx.End does; it stands in for that package, whose
// imports (gRPC, exporters, samplers) cost every program start time.
func endSpan(span trace.Span, err *error) {
	defer span.End()
	if r := recover(); r != nil {
		switch e := r.(type) {
		case error:
			span.SetStatus(codes.Error, "panic: "+e.Error())
			setErrorTags(span, e)
		case string, fmt.Stringer:
			span.SetStatus(codes.Error, fmt.Sprintf("panic: %v", e))
		case nil:
		default:
			span.SetStatus(codes.Error, "panic")
		}
		panic(r)
	}
	if err == nil || *err == nil {
		return
	}
	span.SetStatus(codes.Error, (*err).Error())
	setErrorTags(span, *err)
}

// setErrorTags records what err says of itself on span.
func setErrorTags(span trace.Span, err error) {
	if e := interface{ Reason() string }(nil); errors.As(err, &e) {
		span.SetAttributes(attribute.String("error.reason", e.Reason()))
	}
	if e := interface{ Debug() string }(nil); errors.As(err, &e) {
		span.SetAttributes(attribute.String("error.debug", e.Debug()))
	}
	if e := interface{ ID() string }(nil); errors.As(err, &e) {
		span.SetAttributes(attribute.String("error.id", e.ID()))
	}
	if e := interface{ Details() map[string]interface{} }(nil); errors.As(err, &e) {
		for k, v := range e.Details() {
			span.SetAttributes(attribute.String("error.details."+k, fmt.Sprintf("%v", v)))
		}
	}
	span.SetAttributes(attribute.String("error", err.Error()))
}

// isRequestURL is github.com/asaskevich/govalidator.IsRequestURL: whether
// rawurl parses as an absolute URL with a scheme. It stands in for that
// package, whose start-up compiles some forty regular expressions.
func isRequestURL(rawurl string) bool {
	u, err := url.ParseRequestURI(rawurl)
	return err == nil && u.Scheme != ""
}
