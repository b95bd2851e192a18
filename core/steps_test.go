package core

import (
	"fmt"
	"testing"
)

// TestStepHub: a follower hears the steps taken before it came and after;
// the steps of old tasks are forgotten past stepTasks.
func TestStepHub(t *testing.T) {
	var h stepHub
	h.publish("task_1", AnalysisStep{Kind: StepSearch, Target: "q"})
	ch, stop := h.subscribe("task_1")
	h.publish("task_1", AnalysisStep{Kind: StepFetch, Target: "https://example.org/"})
	h.publish("task_2", AnalysisStep{Kind: StepFetch, Target: "elsewhere"})
	stop()
	h.publish("task_1", AnalysisStep{Kind: StepFetch, Target: "after stop"})
	var got []string
	for len(ch) > 0 {
		st := <-ch
		got = append(got, st.Kind+" "+st.Target)
	}
	if fmt.Sprint(got) != "[search q fetch https://example.org/]" {
		t.Fatalf("heard %v", got)
	}
	for i := range stepTasks {
		h.publish(fmt.Sprintf("other_%d", i), AnalysisStep{Kind: StepFetch})
	}
	if _, kept := h.kept["task_1"]; kept || len(h.kept) != stepTasks || len(h.order) != stepTasks {
		t.Fatalf("kept %d tasks (task_1 kept: %v), order %d", len(h.kept), kept, len(h.order))
	}
	if len(h.subs) != 0 {
		t.Fatalf("subscriptions left: %v", h.subs)
	}
}
