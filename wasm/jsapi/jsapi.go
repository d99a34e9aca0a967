// Package jsapi defines what the functions of window.lookbook return, as Go types: the browser
// program fills them and the browser tests decode the same types, so the two cannot drift
// apart. Each type crosses to JavaScript as JSON (field names below), once per call; the hot
// paths (classify, decode and their batches) pass Float32Arrays instead and are not here.
package jsapi

import "lookbook/ml/course"

// State is lookbook.state(): the current view and the classifier's input and answer.
type State struct {
	View     int     `json:"view"` // 0 Classify, 1 Map, 2 Faces
	HasInput bool    `json:"hasInput"`
	Notice   string  `json:"notice"`
	Link     string  `json:"link"`    // the share fragment of this state
	Version  int     `json:"version"` // increments whenever the input or view changes
	LastMs   float64 `json:"lastMs"`  // the last input's time from raw pixels to probabilities
	// With an input: the answer, and the 28×28 image the model saw (bytes, row-major).
	Label         string    `json:"label,omitempty"`
	Index         int       `json:"index"`
	Probabilities []float64 `json:"probabilities,omitempty"`
	Logits        []float64 `json:"logits,omitempty"`
	View28        []int     `json:"view28,omitempty"`
	// Cutout: the input is an uploaded photo and the page shows the garment cut out of it;
	// CutoutShare is the share of the (shrunk) photo's pixels that the garment covers.
	Cutout      bool    `json:"cutout"`
	CutoutShare float64 `json:"cutoutShare,omitempty"`
	// Why is Classify's explanation ("Why?").
	Why *Why `json:"why"`
}

// Why is the explanation Classify shows over the pad.
type Why struct {
	On      bool    `json:"on"`
	Method  string  `json:"method"` // "gradcam", "integrated-gradients", "occlusion" or "stepwise-occlusion"
	Block   int     `json:"block"`  // Grad-CAM's conv block, 1 to 4
	Class   int     `json:"class"`  // the class explained
	Shown   bool    `json:"shown"`  // the overlay shows the current input's explanation
	Ms      float64 `json:"ms"`     // how long the last explanation took
	Error   string  `json:"error"`
	Caption string  `json:"caption"`
}

// Camera is where the Map's camera looks.
type Camera struct {
	X, Y, Zoom, Yaw, Pitch float64
}

// Point is a position on the page in CSS pixels.
type Point struct{ X, Y float64 }

// Live is the Map view's live map.
type Live struct {
	Method   string  `json:"method"` // "tsne" or "umap"
	Dims     int     `json:"dims"`
	Points   int     `json:"points"`
	Iter     int     `json:"iter"`
	Total    int     `json:"total"`
	Running  bool    `json:"running"`
	Done     bool    `json:"done"`
	ItPerSec float64 `json:"itPerSec"`
	KL       float64 `json:"kl"`
	Ms       float64 `json:"ms"`       // the worker's computing time so far
	MaxGapMs float64 `json:"maxGapMs"` // the longest wait between two of the worker's messages
	Error    string  `json:"error"`
}

// Map is lookbook.map(): the Map view's data status and, once ready, what it shows.
type Map struct {
	Status   string  `json:"status"` // "", "loading", "ready" or "error"
	Error    string  `json:"error"`
	Notice   string  `json:"notice"`
	Progress float64 `json:"progress"` // of the download, 0–1

	Projection         string         `json:"projection,omitempty"`
	Camera             Camera         `json:"camera"`
	Hidden             int            `json:"hidden"` // bit c set: class c hidden
	Misclassified      bool           `json:"misclassified"`
	Cell               int            `json:"cell"` // the confusion matrix cell shown alone, or −1
	Shown              int            `json:"shown"`
	Drawn              int            `json:"drawn"`
	Hover              int            `json:"hover"`
	Pinned             int            `json:"pinned"`
	Neighbours         []int          `json:"neighbours"`
	OwnOK              bool           `json:"ownOk"` // the visitor's drawing is placed
	OwnNeighbours      []int          `json:"ownNeighbours"`
	OwnNeighbourLabels []int          `json:"ownNeighbourLabels"`
	DrawnByLabel       map[string]int `json:"drawnByLabel"`
	PlaceMs            float64        `json:"placeMs"`
	FrameMs            float64        `json:"frameMs"`
	MaxFrameMs         float64        `json:"maxFrameMs"` // since map({resetFrames: true})
	Own                *Point         `json:"own,omitempty"`
	TaughtExamples     int            `json:"taughtExamples"` // examples of the taught class placed on the map
	Live               Live           `json:"live"`
}

// Faces is lookbook.faces(): the Faces view's state.
type Faces struct {
	Status      string    `json:"status"`
	A           int       `json:"a"`
	B           int       `json:"b"`
	Alpha       float64   `json:"alpha"`
	Slerp       bool      `json:"slerp"`
	Version     int       `json:"version"`
	Notice      string    `json:"notice"`
	HasOwn      bool      `json:"hasOwn"`
	OwnMSE      float64   `json:"ownMse"`
	Temperature float64   `json:"temperature"`
	Crop        [4]int    `json:"crop"` // x0, y0, x1, y1 in the photo's pixels
	Walking     bool      `json:"walking"`
	CameraOn    bool      `json:"cameraOn"`
	EncodeMs    float64   `json:"encodeMs"`
	DecodeMs    float64   `json:"decodeMs"`
	DrawMs      float64   `json:"drawMs"`
	Gallery     int       `json:"gallery"`           // faces in the gallery, once ready
	Sample0     []float64 `json:"sample0,omitempty"` // the first sample from the prior (3×32×32)
	Preview     []float64 `json:"preview,omitempty"` // the face at α (3×32×32)
	Strip       []float64 `json:"strip,omitempty"`   // the six faces at α = 0, 0.2, …, 1
}

// Training is lookbook.train's outcome and lookbook.training()'s progress: a run of one of the
// course's experiments in the Train view's worker.
type Training struct {
	Model      string  `json:"model"`
	Epochs     int     `json:"epochs"` // finished
	Steps      int     `json:"steps"`
	TotalSteps int     `json:"totalSteps"`
	Ms         float64 `json:"ms"`      // from the call (or Train) to the end, download included
	TrainMs    float64 `json:"trainMs"` // training and evaluating, in the worker
	StepMs     float64 `json:"stepMs"`  // one training step's mean
	// With two workers: of each step, the time exchanging gradients with the other worker,
	// and within it, waiting for them.
	ExchangeMs    float64        `json:"exchangeMs,omitempty"`
	WaitMs        float64        `json:"waitMs,omitempty"`
	Paused        bool           `json:"paused"`
	Finished      bool           `json:"finished"`
	Downloading   string         `json:"downloading,omitempty"`
	Curve         []course.Point `json:"curve"`
	TestAccuracy  *float64       `json:"testAccuracy,omitempty"`  // FashionNet: all 10,000 test images
	ValidationMSE *float64       `json:"validationMse,omitempty"` // the VAE: the last epoch's
	Options       course.Options `json:"options"`
	Workers       int            `json:"workers"` // training it, each on part of every batch
	Error         string         `json:"error,omitempty"`
}
