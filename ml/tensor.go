// Package ml is Lookbook's small neural-network library: float32 NCHW tensors, layers with
// hand-written forward and backward passes, the two models (FashionNet and the face VAE), losses,
// Adam, and the safetensors weight format. It is pure Go: no syscall/js, so it runs natively in
// the trainer and unchanged in the browser.
//
// Shape legend used throughout:
//
//	B = batch, C = channels, H, W = height and width, K = Cin·kh·kw (an im2col row),
//	P = Ho·Wo (output pixels of one image), D = features of a fully connected layer.
//
// Layers follow PyTorch's semantics and layouts exactly (OIHW convolution weights, in×out×kh×kw
// transposed-convolution weights, BatchNorm momentum 0.1 and eps 1e-5), and name their
// parameters like PyTorch's state_dict, so weights move between the two unchanged.
//
// Every layer keeps what its backward pass needs from the last forward pass and owns its output
// buffers, which it reuses while the batch size stays the same: a training step allocates
// nothing after the first. A returned tensor is therefore valid until the layer's next call.
// Layers are not safe for concurrent use.
package ml

import "fmt"

// Tensor is a dense, row-major float32 array. Data has exactly Numel(Shape) elements.
type Tensor struct {
	Shape []int
	Data  []float32
}

// NewTensor returns a zeroed tensor of the given shape.
func NewTensor(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, Numel(shape))}
}

// FromData wraps data as a tensor of the given shape. It panics if the sizes disagree.
func FromData(data []float32, shape ...int) *Tensor {
	if len(data) != Numel(shape) {
		panic(fmt.Sprintf("ml: FromData: %d values for shape %v", len(data), shape))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}
}

// Numel is the number of elements of a tensor with the given shape.
func Numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// Reshape returns a tensor sharing t's data with a new shape of the same size.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	if Numel(shape) != len(t.Data) {
		panic(fmt.Sprintf("ml: Reshape: cannot view %v as %v", t.Shape, shape))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: t.Data}
}

// viewOf makes t a view of src's data with a new shape of the same size, reusing t's shape
// storage: Reshape without an allocation, for forward passes that must not allocate.
func (t *Tensor) viewOf(src *Tensor, shape ...int) *Tensor {
	if n := Numel(shape); n != len(src.Data) {
		// The shape itself stays out of the message: passing it to Sprintf would make every
		// call allocate its argument list.
		panic(fmt.Sprintf("ml: view: cannot view %v as a shape of %d values", src.Shape, n))
	}
	t.Shape, t.Data = append(t.Shape[:0], shape...), src.Data
	return t
}

// Zero sets every element to 0.
func (t *Tensor) Zero() { clear(t.Data) }

// SameShape reports whether two shapes are equal.
func SameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// reuse returns t if it already has the requested shape, else a new zeroed tensor of that shape.
// It is how layers keep their output buffers across calls without allocating.
func reuse(t *Tensor, shape ...int) *Tensor {
	if t != nil && SameShape(t.Shape, shape) {
		return t
	}
	return NewTensor(shape...)
}

// grow returns buf resliced to n elements, reallocating only when its capacity is too small.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// Floats converts between float32 and float64 slices: tensors hold float32, while gonum,
// JSON and the maps' PCA work in float64.
func Floats[To, From float32 | float64](v []From) []To {
	out := make([]To, len(v))
	for i, x := range v {
		out[i] = To(x)
	}
	return out
}

// mustRank panics unless t has the given rank; layers use it to report programmer errors.
func mustRank(layer string, t *Tensor, rank int) {
	if len(t.Shape) != rank {
		panic(fmt.Sprintf("ml: %s: input has shape %v, want rank %d", layer, t.Shape, rank))
	}
}
