package trainer

import "lookbook/ml/course"

// The evaluations live in ml/course, which the page's Train view shares with this trainer.
type FashionEval = course.FashionEval

var (
	EvaluateFashion = course.EvaluateFashion
	EvaluateVAE     = course.EvaluateVAE
)
