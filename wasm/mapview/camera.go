package mapview

import "math"

// Camera is how a map is looked at: a 3D map turns by Yaw and Pitch (radians) and is seen in
// perspective; then every map is panned so that (X, Y) sits at the viewport's centre, and
// zoomed. Coordinates are in the maps' normalised frame, where a map fills [−1, 1].
type Camera struct {
	X, Y       float64
	Zoom       float64
	Yaw, Pitch float64
}

// DefaultCamera shows the whole map, 3D maps turned a little so that their depth shows.
func DefaultCamera(dims int) Camera {
	if dims == 3 {
		return Camera{Zoom: 1, Yaw: 0.6, Pitch: 0.35}
	}
	return Camera{Zoom: 1}
}

// Zoom limits.
const (
	MinZoom = 0.5
	MaxZoom = 40.0
)

// eyeDistance is how far the 3D camera sits from the map's centre, in map units: near
// enough for a clear perspective, far enough that the nearest points stay in front of it.
// fit shrinks the 3D maps so that their turning cube stays in view at zoom 1.
const (
	eyeDistance = 3.5
	fit         = 0.55
)

// Viewport is where a map is drawn, in CSS pixels.
type Viewport struct{ X, Y, W, H float64 }

func (v Viewport) scale(zoom float64) float64 { return min(v.W, v.H) / 2 * 0.9 * zoom }

// Project returns the screen position of a point of the map (dims 2 or 3) and its depth
// (larger is nearer the eye; 0 in 2D).
func (c Camera) Project(v Viewport, dims int, p [3]float64) (sx, sy, depth float64) {
	x, y := p[0], p[1]
	if dims == 3 {
		var f float64
		x, y, depth, f = c.rotate(p)
		x, y = x*f, y*f
	}
	s := v.scale(c.Zoom)
	return v.X + v.W/2 + (x-c.X)*s, v.Y + v.H/2 - (y-c.Y)*s, depth
}

// rotate turns p by the camera's yaw and pitch and returns its view coordinates, its depth and
// the perspective factor.
func (c Camera) rotate(p [3]float64) (x, y, z, f float64) {
	sy, cy := math.Sincos(c.Yaw)
	sp, cp := math.Sincos(c.Pitch)
	x = cy*p[0] + sy*p[2]
	z0 := -sy*p[0] + cy*p[2]
	y = cp*p[1] - sp*z0
	z = sp*p[1] + cp*z0
	return x, y, z, fit * eyeDistance / (eyeDistance - z)
}

// Transform is the camera's projection with its trigonometry done once, for projecting
// thousands of points a frame.
type Transform struct {
	dims                    int
	cx, cy, s, panX, panY   float64
	r00, r02, r10, r11, r12 float64
	r20, r21, r22           float64
}

// Transform prepares c for viewport v and a map of dims dimensions.
func (c Camera) Transform(v Viewport, dims int) Transform {
	sy, cy := math.Sincos(c.Yaw)
	sp, cp := math.Sincos(c.Pitch)
	return Transform{
		dims: dims, cx: v.X + v.W/2, cy: v.Y + v.H/2, s: v.scale(c.Zoom), panX: c.X, panY: c.Y,
		r00: cy, r02: sy,
		r10: sp * sy, r11: cp, r12: -sp * cy,
		r20: -cp * sy, r21: sp, r22: cp * cy,
	}
}

// Apply projects one point; it equals Camera.Project.
func (t *Transform) Apply(x, y, z float64) (sx, sy, depth float64) {
	if t.dims == 3 {
		vx := t.r00*x + t.r02*z
		vy := t.r10*x + t.r11*y + t.r12*z
		depth = t.r20*x + t.r21*y + t.r22*z
		f := fit * eyeDistance / (eyeDistance - depth)
		x, y = vx*f, vy*f
	}
	return t.cx + (x-t.panX)*t.s, t.cy - (y-t.panY)*t.s, depth
}

// ZoomAt multiplies the zoom by factor, keeping the map point under the screen position
// (sx, sy) where it is.
func (c *Camera) ZoomAt(v Viewport, sx, sy, factor float64) {
	s0 := v.scale(c.Zoom)
	ux, uy := (sx-v.X-v.W/2)/s0+c.X, -(sy-v.Y-v.H/2)/s0+c.Y
	c.Zoom = min(max(c.Zoom*factor, MinZoom), MaxZoom)
	s1 := v.scale(c.Zoom)
	c.X, c.Y = ux-(sx-v.X-v.W/2)/s1, uy+(sy-v.Y-v.H/2)/s1
}

// Pan moves the map by (dx, dy) screen pixels.
func (c *Camera) Pan(v Viewport, dx, dy float64) {
	s := v.scale(c.Zoom)
	c.X -= dx / s
	c.Y += dy / s
	c.X, c.Y = min(max(c.X, -3), 3), min(max(c.Y, -3), 3)
}

// Turn rotates a 3D map by a drag of (dx, dy) screen pixels.
func (c *Camera) Turn(dx, dy float64) {
	c.Yaw = math.Remainder(c.Yaw+dx*0.008, 2*math.Pi)
	c.Pitch = min(max(c.Pitch+dy*0.008, -1.5), 1.5)
}

// keyStep is how far one arrow key moves the map, in screen pixels (a drag of that length).
const keyStep = 40

// Key moves the camera for a key pressed on the focused map, so that it works without a
// pointer: the arrows pan a 2D map and turn a 3D one (with Shift, they pan it), + and − zoom
// at the centre, and 0 shows the whole map. It reports whether the key was one of these.
func (c *Camera) Key(v Viewport, dims int, key string, shift bool) bool {
	var dx, dy float64
	switch key {
	case "ArrowLeft":
		dx = keyStep
	case "ArrowRight":
		dx = -keyStep
	case "ArrowUp":
		dy = keyStep
	case "ArrowDown":
		dy = -keyStep
	case "+", "=":
		c.ZoomAt(v, v.X+v.W/2, v.Y+v.H/2, 1.25)
		return true
	case "-", "_":
		c.ZoomAt(v, v.X+v.W/2, v.Y+v.H/2, 1/1.25)
		return true
	case "0":
		*c = DefaultCamera(dims)
		return true
	default:
		return false
	}
	if dims == 3 && !shift {
		c.Turn(-dx, -dy)
	} else {
		c.Pan(v, dx, dy)
	}
	return true
}
