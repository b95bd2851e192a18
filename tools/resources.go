package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clara-backend/clara/core"
)

// Resource declares one resource template: a clara:// URI template with a
// single variable, and a thin reader over the core method of its twin tool.
// Like a Tool, a Resource carries no mcp-go type: extensions.go binds it.
type Resource struct {
	// URITemplate is an RFC 6570 template holding {Param} once, such as
	// clara://users/{id}.
	URITemplate string
	// Param is the name of the template's variable.
	Param string
	// Name identifies the template; Title is a short human-readable name.
	Name, Title string
	// Description tells a model what the resource holds and who may read it.
	Description string
	// Read returns the object the resource holds, rendered as JSON, for the
	// caller p and the variable's value; it fails as a tool handler does (a
	// *core.Error for failures the caller may see).
	Read func(ctx context.Context, p core.Principal, param string) (any, error)
}

// resourceMIMEType is the media type of every resource's contents.
const resourceMIMEType = "application/json"

// Validate reports what is missing or malformed in the declaration.
func (r Resource) Validate() error {
	var errs []error
	if !strings.HasPrefix(r.URITemplate, "clara://") || strings.Count(r.URITemplate, "{") != 1 ||
		!strings.Contains(r.URITemplate, "{"+r.Param+"}") {
		errs = append(errs, fmt.Errorf("URI template %q is not clara://… with the one variable {%s}", r.URITemplate, r.Param))
	}
	if r.Name == "" || r.Title == "" || r.Description == "" {
		errs = append(errs, errors.New("missing name, title or description"))
	}
	if r.Read == nil {
		errs = append(errs, errors.New("missing reader"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("resource %q: %w", r.URITemplate, err)
	}
	return nil
}

// Resources returns every resource template Clara serves.
func Resources(svc *core.Service) []Resource {
	return []Resource{userResource(svc), taskResource(svc)}
}

// meID is the user id that names the caller in clara://users/me.
const meID = "me"

// userResource is the twin of view_user (GET /users/{user_id}).
func userResource(svc *core.Service) Resource {
	return Resource{
		URITemplate: "clara://users/{id}",
		Param:       "id",
		Name:        "user",
		Title:       "A Clara account",
		Description: "The Clara account with this id, or the caller's at clara://users/me: the same JSON as the " +
			"view_user tool (id, email, names, credit balance, whether it is active and has two-factor login, the " +
			"display preference). Only the caller's own account can be read.",
		Read: func(ctx context.Context, p core.Principal, id string) (any, error) {
			switch id {
			case "":
				return nil, core.ErrNotFound("User")
			case meID:
				id = "" // the core's word for the caller
			}
			u, err := svc.ViewUser(ctx, p, id)
			return u, err
		},
	}
}

// taskResource is the twin of view_task (GET /users/{user_id}/tasks/{task_id}).
func taskResource(svc *core.Service) Resource {
	return Resource{
		URITemplate: "clara://tasks/{task_id}",
		Param:       "task_id",
		Name:        "task",
		Title:       "An analysis task",
		Description: "One of the caller's analysis tasks, by the id analyze or list_tasks returns: the same JSON as " +
			"the view_task tool (status and, once COMPLETED, the result: verdict, confidence, summary, claims and " +
			"sources; once FAILED, the error).",
		Read: func(ctx context.Context, p core.Principal, id string) (any, error) {
			if id == "" {
				return nil, core.ErrNotFound("Task")
			}
			t, err := svc.ViewTask(ctx, p, "", id)
			return t, err
		},
	}
}
