package dataset

import (
	"fmt"
	"image"
	_ "image/jpeg" // the clothing photos are JPEGs
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"lookbook/ml"
)

// PhotoFolders maps the class folders of the clothing photos (a split of the CC0 "clothing
// dataset", see ../shared/data/clothing-photos/README.md) to the Fashion-MNIST classes that
// answer them rightly: shoes are any footwear, a long-sleeved top any top. Folders without a
// counterpart (hat, shorts, skirt) are not read.
var PhotoFolders = map[string]ml.Classes{
	"t-shirt":    1 << 0,
	"pants":      1 << 1,
	"longsleeve": 1<<0 | 1<<2 | 1<<6,
	"dress":      1 << 3,
	"outwear":    1 << 4,
	"shirt":      1 << 6,
	"shoes":      1<<5 | 1<<7 | 1<<9,
}

// PhotoFolderOrder lists PhotoFolders' folders in the order reports give them.
var PhotoFolderOrder = []string{"t-shirt", "pants", "dress", "outwear", "shirt", "shoes", "longsleeve"}

// Photo is one photo of a garment, decoded.
type Photo struct {
	Path   string
	Folder string     // its class folder
	Labels ml.Classes // the Fashion-MNIST classes that are right for it
	Image  image.Image
}

// LoadPhotos reads the JPEGs in dir's class folders (dir/CLASS/*.jpg), in a fixed order, on
// all cores.
func LoadPhotos(dir string) ([]Photo, error) {
	var photos []Photo
	for _, folder := range PhotoFolderOrder {
		paths, err := filepath.Glob(filepath.Join(dir, folder, "*.jpg"))
		if err != nil {
			return nil, err
		}
		slices.Sort(paths)
		for _, p := range paths {
			photos = append(photos, Photo{Path: p, Folder: folder, Labels: PhotoFolders[folder]})
		}
	}
	if len(photos) == 0 {
		return nil, fmt.Errorf("photos: no JPEG in the class folders of %s (%v)", dir, PhotoFolderOrder)
	}
	errs := make([]error, len(photos))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				photos[i].Image, errs[i] = decodeFile(photos[i].Path)
			}
		}()
	}
	for i := range photos {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return photos, nil
}

func decodeFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("photos: %s: %w", path, err)
	}
	return img, nil
}
